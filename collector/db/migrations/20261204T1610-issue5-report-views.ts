import { type Kysely, sql } from 'kysely'

// Frozen. Reporting (issue 5): when each flag first became true in a visit, a view per visit and
// a view per client, and the indexes that keep one client's answer fast.

/** The five flags without a time of their own; is_change_password has password_changed_at. */
const TIMED_FLAGS = [
  'is_click_platform',
  'is_click_personal_account',
  'is_write_to_support',
  'is_click_deposit_button',
  'is_click_contacts'
]

export async function up(db: Kysely<unknown>) {
  for (const flag of TIMED_FLAGS) {
    await sql`alter table user_session add column ${sql.ref(`${flag}_at`)} timestamptz`.execute(db)
  }
  // A trigger rather than the write path: every writer (single requests, batches, group commits,
  // COPY) stamps the flag time the same way. Rows from before this migration keep a null time.
  await sql.raw(`
    create function user_session_flag_times() returns trigger language plpgsql as $$
    begin
      ${TIMED_FLAGS.map(stampFlag).join('\n      ')}
      return new;
    end
    $$`).execute(db)
  await sql`create trigger user_session_flag_times before insert or update on user_session
    for each row execute function user_session_flag_times()`.execute(db)

  await sql`create index user_session_email_idx on user_session (email)`.execute(db)
  await sql`create index user_session_service_login_idx
    on user_session (service_id, login_time desc, session_id desc)`.execute(db)

  await sql.raw(VISIT_REPORT).execute(db)
  await sql.raw(CLIENT_REPORT).execute(db)
}

export async function down(db: Kysely<unknown>) {
  await sql`drop view client_report`.execute(db)
  await sql`drop view visit_report`.execute(db)
  await sql`drop index user_session_service_login_idx`.execute(db)
  await sql`drop index user_session_email_idx`.execute(db)
  await sql`drop trigger user_session_flag_times on user_session`.execute(db)
  await sql`drop function user_session_flag_times()`.execute(db)
  for (const flag of TIMED_FLAGS) {
    await sql`alter table user_session drop column ${sql.ref(`${flag}_at`)}`.execute(db)
  }
}

function stampFlag(flag: string) {
  return `if new.${flag} and new.${flag}_at is null then new.${flag}_at := now(); end if;`
}

/**
 * One row per visit. A visit that never sent a logout ends at its last logged page or button
 * (ended_by 'last_action'), or at its start when nothing was logged (ended_by 'none', 0 s).
 * The lateral counts read only the visit's own log rows, so a filter on the visit or its client
 * reaches the indexes. The service is a left join (its key guarantees one row) so that PostgreSQL
 * drops it from queries that do not ask for the name.
 */
const VISIT_REPORT = `
  create view visit_report as
  select
    s.session_id,
    s.service_id,
    sv.service_name,
    s.email,
    s.login_time,
    s.logout_time,
    e.end_time,
    case
      when s.logout_time is not null then 'logout'
      when e.last_action_at is not null then 'last_action'
      else 'none'
    end as ended_by,
    greatest(0, round(extract(epoch from e.end_time - s.login_time)))::integer as time_spent_seconds,
    s.active_seconds,
    u.pages_visited,
    u.links_clicked,
    b.buttons_clicked,
    s.is_click_platform,
    s.is_click_platform_at,
    s.is_click_personal_account,
    s.is_click_personal_account_at,
    s.is_write_to_support,
    s.is_write_to_support_at,
    s.is_click_deposit_button,
    s.is_click_deposit_button_at,
    s.is_click_contacts,
    s.is_click_contacts_at,
    s.is_change_password,
    s.password_changed_at as is_change_password_at,
    s.browser,
    s.browser_version,
    s.os,
    s.os_version,
    s.device_type,
    s.device_vendor,
    s.device_model,
    host(s.ip_address) as ip_address
  from user_session s
  left join service sv on sv.id = s.service_id
  cross join lateral (
    select
      count(*) filter (where not l.is_external_resource)::integer as pages_visited,
      count(*) filter (where l.is_external_resource)::integer as links_clicked,
      max(l.date) as last_url_at
    from url_log l
    where l.session_id = s.session_id
  ) u
  cross join lateral (
    select count(*)::integer as buttons_clicked, max(l.date) as last_button_at
    from button_log l
    where l.session_id = s.session_id
  ) b
  cross join lateral (
    select
      greatest(u.last_url_at, b.last_button_at) as last_action_at,
      coalesce(s.logout_time, greatest(u.last_url_at, b.last_button_at), s.login_time) as end_time
  ) e`

/**
 * One row per client (service and email); a flag is true when any visit set it. Grouping by
 * exactly (service_id, email), the order of user_session_client_idx, lets a paged list stream
 * through that index instead of aggregating every client first.
 */
const CLIENT_REPORT = `
  create view client_report as
  select
    v.service_id,
    (select sv.service_name from service sv where sv.id = v.service_id) as service_name,
    v.email,
    count(*)::integer as visits,
    min(v.login_time) as first_visit,
    max(v.login_time) as last_visit,
    sum(v.time_spent_seconds)::integer as total_time_seconds,
    percentile_cont(0.5) within group (order by v.time_spent_seconds) as median_time_seconds,
    sum(v.active_seconds)::integer as total_active_seconds,
    (count(*) filter (where v.ended_by <> 'logout'))::integer as visits_without_logout,
    sum(v.pages_visited)::integer as pages_visited,
    sum(v.links_clicked)::integer as links_clicked,
    sum(v.buttons_clicked)::integer as buttons_clicked,
    bool_or(v.is_click_platform) as is_click_platform,
    min(v.is_click_platform_at) as is_click_platform_first_at,
    bool_or(v.is_click_personal_account) as is_click_personal_account,
    min(v.is_click_personal_account_at) as is_click_personal_account_first_at,
    bool_or(v.is_write_to_support) as is_write_to_support,
    min(v.is_write_to_support_at) as is_write_to_support_first_at,
    bool_or(v.is_click_deposit_button) as is_click_deposit_button,
    min(v.is_click_deposit_button_at) as is_click_deposit_button_first_at,
    bool_or(v.is_click_contacts) as is_click_contacts,
    min(v.is_click_contacts_at) as is_click_contacts_first_at,
    bool_or(v.is_change_password) as is_change_password,
    min(v.is_change_password_at) as is_change_password_first_at,
    max(v.is_change_password_at) as last_password_change_at
  from visit_report v
  group by v.service_id, v.email`
