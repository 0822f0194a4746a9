import { createConnection, createServer, type Server, type Socket } from 'node:net'

type Mode = 'open' | 'cut' | 'silent'

/**
 * A TCP proxy on 127.0.0.1 (port 0) in front of PostgreSQL, for outage tests that must not
 * touch the shared server: `cut()` resets every connection and refuses new ones, like a dead
 * host; `silence()` keeps connections open but forwards nothing, like a lost network; `restore()`
 * forwards again (connections from before are dropped, as after a real outage).
 */
export class TcpProxy {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  #mode: Mode = 'open'

  private constructor(server: Server) {
    this.#server = server
  }

  static async start(targetHost: string, targetPort: number) {
    const server = createServer()
    const proxy = new TcpProxy(server)
    server.on('connection', (client) => proxy.#accept(client, targetHost, targetPort))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  get port() {
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening')
    return address.port
  }

  cut() {
    this.#mode = 'cut'
    this.#dropAll()
  }

  silence() {
    this.#mode = 'silent'
    for (const socket of this.#sockets) socket.pause()
  }

  restore() {
    this.#dropAll()
    this.#mode = 'open'
  }

  async close() {
    this.#dropAll()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  #accept(client: Socket, targetHost: string, targetPort: number) {
    if (this.#mode === 'cut') {
      client.resetAndDestroy()
      return
    }
    this.#track(client)
    if (this.#mode === 'silent') {
      client.pause()
      return
    }

    const upstream = createConnection({ host: targetHost, port: targetPort })
    this.#track(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    const drop = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('close', drop)
    upstream.on('close', drop)
  }

  #track(socket: Socket) {
    this.#sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => this.#sockets.delete(socket))
  }

  #dropAll() {
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
  }
}
