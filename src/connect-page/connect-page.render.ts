/**
 * The hosted connect page, server-rendered: no framework, no script, no external assets; one
 * inline style block allowed by a per-response nonce. Every interpolated value is escaped, and
 * secret values are never written back into the page.
 */
import type { ConfigField, CredentialField } from '../connectors/connector.types';
import { escapeHtml as e, PAGE_HEAD_START } from '../http/page';
import type { ConnectItem, ConnectPageView, ConnectProblem, SwitchQuestion } from './connect-page.service';
import { htmlPattern } from './html-pattern';

export interface RenderOptions {
  nonce: string;
  csrf: string;
}

const STYLE = `
  :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0b57d0; --ok: #137333; --bad: #b3261e; --warn: #8a5300; }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f6f7f9; color: var(--ink); }
  main { max-width: 40rem; margin: 0 auto; padding: 2rem 1rem 4rem; }
  h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
  .owner { margin: .25rem 0; font-size: 1.05rem; }
  .lead { color: var(--muted); margin: 0 0 1.5rem; }
  .actions { display: flex; gap: .75rem; flex-wrap: wrap; margin-top: 1.5rem; }
  .outcome { border-radius: 8px; padding: .75rem 1rem; margin: 0 0 1.5rem; border: 2px solid transparent; }
  .outcome:empty { display: none; }
  .outcome.ok { background: #e6f4ea; border-color: var(--ok); color: #0d5325; }
  .outcome.bad { background: #fce8e6; border-color: var(--bad); color: #8c1d18; }
  .outcome:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
  .outcome a { color: inherit; }
  ul.connectors { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 1.25rem; }
  .card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 1rem; flex-wrap: wrap; }
  h2 { font-size: 1.2rem; margin: 0; }
  .desc { color: var(--muted); margin: .25rem 0 1rem; }
  .badge { font-size: .85rem; font-weight: 600; border-radius: 999px; padding: .1rem .65rem; border: 1px solid currentColor; white-space: nowrap; }
  .badge.connected { color: var(--ok); background: #e6f4ea; }
  .badge.idle { color: var(--muted); background: #f6f7f9; }
  .badge.expired { color: var(--warn); background: #fef7e0; }
  .badge.error, .badge.unavailable { color: var(--bad); background: #fce8e6; }
  .note { margin: .25rem 0 1rem; }
  .field { margin: 0 0 1rem; }
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
  .hint { color: var(--muted); font-size: .9rem; margin: 0 0 .35rem; }
  .error { color: var(--bad); font-weight: 600; font-size: .95rem; margin: 0 0 .35rem; }
  input, select { width: 100%; font: inherit; padding: .55rem .7rem; border: 2px solid #8c959f; border-radius: 6px; background: #fff; color: var(--ink); }
  input[aria-invalid="true"] { border-color: var(--bad); }
  input:focus, button:focus, summary:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
  button { font: inherit; font-weight: 600; min-height: 44px; padding: .5rem 1.1rem; border-radius: 6px; border: 2px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: var(--accent); }
  details summary { cursor: pointer; color: var(--accent); font-weight: 600; margin: .25rem 0 .75rem; }
  .sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;

function statusBadge(item: ConnectItem): string {
  const { connector, connection } = item;
  if (connector.availability !== 'available' || !connector.configured) {
    return `<span class="badge unavailable">Not available</span>`;
  }
  switch (connection?.status) {
    case 'connected':
      return `<span class="badge connected">Connected</span>`;
    case 'expired':
      return `<span class="badge expired">Expired</span>`;
    case 'error':
      return `<span class="badge error">Failed</span>`;
    default:
      return `<span class="badge idle">Not connected</span>`;
  }
}

function hiddenFields(slug: string, csrf: string): string {
  return `<input type="hidden" name="csrf" value="${e(csrf)}">
          <input type="hidden" name="connectorSlug" value="${e(slug)}">`;
}

/** A credential field's message from the service's details, phrased for the form. */
function fieldMessages(field: CredentialField, slug: string, problem: ConnectProblem | null): string[] {
  if (!problem || problem.slug !== slug) return [];
  return problem.details
    .filter((detail) => detail.field === `credentials.${field.key}`)
    .map((detail) => `${field.label} ${detail.message.replace(` (${field.label})`, '')}.`);
}

/** The messages of a config field from the service's details. */
function configMessages(field: ConfigField, slug: string, problem: ConnectProblem | null): string[] {
  if (!problem || problem.slug !== slug) return [];
  return problem.details
    .filter((detail) => detail.field === `config.${field.key}`)
    .map((detail) => `${field.label} ${detail.message.replace(` (${field.label})`, '')}.`);
}

/** The connector's config inputs (a tenant, a host), filled with what the connection or the last try had. */
function configInputs(item: ConnectItem, problem: ConnectProblem | null): string[] {
  const { connector } = item;
  const slug = connector.slug;
  return (connector.connectionConfig ?? [])
    .filter((field) => field.fromTokenResponse === undefined)
    .map((field) => {
      const id = `${slug}-config-${field.key}`;
      const hintId = `${id}-hint`;
      const errorId = `${id}-error`;
      const messages = configMessages(field, slug, problem);
      const described = [field.description ? hintId : '', messages.length > 0 ? errorId : ''].filter(Boolean);
      const value =
        problem?.slug === slug ? problem.values[`config.${field.key}`] : item.connection?.config?.[field.key];
      const common = [
        `id="${e(id)}"`,
        `name="config.${e(field.key)}"`,
        field.required ? 'required aria-required="true"' : '',
        described.length > 0 ? `aria-describedby="${e(described.join(' '))}"` : '',
        messages.length > 0 ? 'aria-invalid="true"' : '',
      ].filter(Boolean);
      let control: string;
      if (field.enum) {
        const options = [
          field.required ? '' : '<option value="">(none)</option>',
          ...field.enum.map(
            (choice) =>
              `<option value="${e(choice)}"${choice === value ? ' selected' : ''}>${e(choice)}</option>`,
          ),
        ].filter(Boolean);
        control = `<select ${common.join(' ')}>${options.join('')}</select>`;
      } else {
        const pattern = field.pattern === undefined ? undefined : htmlPattern(field.pattern);
        const attributes = [
          ...common,
          'type="text"',
          'autocomplete="off"',
          'spellcheck="false"',
          field.example ? `placeholder="${e(field.example)}"` : '',
          pattern ? `pattern="${e(pattern)}" title="${e(`The expected format of ${field.label}`)}"` : '',
          value ? `value="${e(value)}"` : '',
        ].filter(Boolean);
        control = `<input ${attributes.join(' ')}>`;
      }
      return `<div class="field">
            <label for="${e(id)}">${e(field.label)}${field.required ? '' : ' (optional)'}</label>
            ${field.description ? `<p class="hint" id="${e(hintId)}">${e(field.description)}</p>` : ''}
            ${messages.length > 0 ? `<p class="error" id="${e(errorId)}"><span class="sr-only">Error: </span>${e(messages.join(' '))}</p>` : ''}
            ${control}
          </div>`;
    });
}

function credentialForm(item: ConnectItem, options: RenderOptions, problem: ConnectProblem | null): string {
  const { connector } = item;
  const slug = connector.slug;
  const fields = (connector.credentialFields ?? []).map((field) => {
    const id = `${slug}-${field.key}`;
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const messages = fieldMessages(field, slug, problem);
    const described = [field.description ? hintId : '', messages.length > 0 ? errorId : ''].filter(Boolean);
    const pattern = field.pattern === undefined ? undefined : htmlPattern(field.pattern);
    // Only non-secret values are written back after a refusal.
    const value = !field.secret && problem?.slug === slug ? problem.values[field.key] : undefined;
    const attributes = [
      `id="${e(id)}"`,
      `name="credentials.${e(field.key)}"`,
      `type="${field.secret ? 'password' : 'text'}"`,
      'autocomplete="off"',
      'spellcheck="false"',
      field.required ? 'required aria-required="true"' : '',
      pattern ? `pattern="${e(pattern)}" title="${e(`The expected format of ${field.label}`)}"` : '',
      described.length > 0 ? `aria-describedby="${e(described.join(' '))}"` : '',
      messages.length > 0 ? 'aria-invalid="true"' : '',
      value ? `value="${e(value)}"` : '',
    ].filter(Boolean);
    return `<div class="field">
            <label for="${e(id)}">${e(field.label)}${field.required ? '' : ' (optional)'}</label>
            ${field.description ? `<p class="hint" id="${e(hintId)}">${e(field.description)}</p>` : ''}
            ${messages.length > 0 ? `<p class="error" id="${e(errorId)}"><span class="sr-only">Error: </span>${e(messages.join(' '))}</p>` : ''}
            <input ${attributes.join(' ')}>
          </div>`;
  });
  const connected = item.connection?.status === 'connected';
  const form = `<form method="post" action="/connect/credentials">
          ${hiddenFields(slug, options.csrf)}
          ${[...configInputs(item, problem), ...fields].join('\n          ')}
          <button type="submit">${connected ? 'Replace' : 'Connect'} ${e(connector.name)}</button>
        </form>`;
  if (!connected) return form;
  const open = problem?.slug === slug ? ' open' : '';
  return `<details${open}><summary>Replace the saved credentials</summary>
        ${form}
        </details>`;
}

function actionForm(item: ConnectItem, options: RenderOptions, problem: ConnectProblem | null): string {
  const { connector, connection } = item;
  const connected = connection?.status === 'connected';
  if (connector.authType === 'none') {
    if (connected) return '';
    return `<form method="post" action="/connect/none">
          ${hiddenFields(connector.slug, options.csrf)}
          <button type="submit">Connect ${e(connector.name)}</button>
        </form>`;
  }
  const label = connected || connection?.status === 'expired' ? 'Reconnect' : 'Connect';
  return `<form method="post" action="/connect/oauth">
          ${hiddenFields(connector.slug, options.csrf)}
          ${configInputs(item, problem).join('\n          ')}
          <button type="submit"${connected ? ' class="secondary"' : ''}>${label} ${e(connector.name)}</button>
        </form>`;
}

function note(item: ConnectItem): string {
  const { connector, connection } = item;
  if (connector.availability !== 'available') {
    return `<p class="note">${e(connector.availabilityReason ?? `${connector.name} cannot be connected right now.`)}</p>`;
  }
  if (!connector.configured)
    return `<p class="note">${e(connector.name)} is not set up on this gateway yet.</p>`;
  if (connection?.status === 'connected' && connection.account) {
    return `<p class="note">Signed in as ${e(connection.account)}.</p>`;
  }
  if ((connection?.status === 'error' || connection?.status === 'expired') && connection.lastError) {
    return `<p class="note">${e(connection.lastError.message)}</p>`;
  }
  return '';
}

function card(item: ConnectItem, options: RenderOptions, problem: ConnectProblem | null): string {
  const { connector } = item;
  const titleId = `${connector.slug}-title`;
  const usable = connector.availability === 'available' && connector.configured;
  const body = !usable
    ? ''
    : connector.authType === 'api_key'
      ? credentialForm(item, options, problem)
      : actionForm(item, options, problem);
  return `<li>
      <section class="card" aria-labelledby="${e(titleId)}" data-connector="${e(connector.slug)}" data-status="${e(item.connection?.status ?? 'none')}">
        <div class="card-head">
          <h2 id="${e(titleId)}">${e(connector.name)}</h2>
          ${statusBadge(item)}
        </div>
        <p class="desc">${e(connector.description)}</p>
        ${note(item)}
        ${body}
      </section>
    </li>`;
}

/**
 * The notice after a refused form, in the user's words: which fields to check (with a link to the
 * first), or the service's own sentence when the refusal is not about a field.
 */
function problemNotice(view: ConnectPageView, problem: ConnectProblem): string {
  const item = view.items.find((candidate) => candidate.connector.slug === problem.slug);
  const configFields = (item?.connector.connectionConfig ?? [])
    .filter((field) => configMessages(field, problem.slug, problem).length > 0)
    .map((field) => ({ label: field.label, id: `${problem.slug}-config-${field.key}` }));
  const credentialFields = (item?.connector.credentialFields ?? [])
    .filter((field) => fieldMessages(field, problem.slug, problem).length > 0)
    .map((field) => ({ label: field.label, id: `${problem.slug}-${field.key}` }));
  const fields = [...configFields, ...credentialFields];
  const first = fields[0];
  if (!item || !first) return e(problem.message);
  const labels = fields.map((field) => field.label).join(', ');
  return `${e(`${item.connector.name} was not connected. Check ${labels}.`)} <a href="#${e(first.id)}">Go to ${e(first.label)}</a>`;
}

export function renderConnectPage(view: ConnectPageView, options: RenderOptions): string {
  const outcome = view.outcome;
  // The notice takes focus when there is one, so a screen reader announces it after the redirect.
  const outcomeBox = outcome
    ? `<div id="outcome" class="outcome ${outcome.ok ? 'ok' : 'bad'}" role="status" aria-live="polite" tabindex="-1" autofocus data-outcome="${outcome.ok ? 'ok' : 'problem'}">${view.problem ? problemNotice(view, view.problem) : e(outcome.message)}</div>`
    : `<div id="outcome" class="outcome" role="status" aria-live="polite" tabindex="-1"></div>`;
  const cards = view.items.map((item) => card(item, options, view.problem));
  const list =
    cards.length > 0
      ? `<ul class="connectors">
    ${cards.join('\n    ')}
    </ul>`
      : `<p>There is nothing to connect here.</p>`;
  return `${PAGE_HEAD_START}
    <link rel="icon" href="data:,">
    <title>${outcome && !outcome.ok ? 'Check your details – ' : ''}Connect your accounts</title>
    <style nonce="${e(options.nonce)}">${STYLE}</style>
  </head>
  <body>
    <main>
      <h1>Connect your accounts</h1>
      <p class="owner">Accounts you connect here are connected for <strong data-owner>${e(view.ownerName)}</strong>.</p>
      <p class="lead">Connect the services your assistant may use. Keys are stored encrypted and are never shown again.</p>
      ${outcomeBox}
      ${list}
    </main>
  </body>
</html>
`;
}

/**
 * The question when a browser that connects accounts for one owner opens another owner's link:
 * stay (the default button) or switch. Never answered on the user's behalf.
 */
export function renderSwitchPage(question: SwitchQuestion, options: RenderOptions): string {
  const current = e(question.currentOwner);
  const next = e(question.nextOwner);
  return `${PAGE_HEAD_START}
    <link rel="icon" href="data:,">
    <title>Connect accounts for ${next} instead of ${current}?</title>
    <style nonce="${e(options.nonce)}">${STYLE}</style>
  </head>
  <body>
    <main>
      <h1>Which connect page do you want?</h1>
      <p class="owner">This browser is connecting accounts for <strong data-owner="current">${current}</strong>.</p>
      <p class="owner">The link you just opened connects accounts for <strong data-owner="next">${next}</strong>.</p>
      <p class="lead">Switch only if you expected this link from ${next}’s app. If someone sent it to you, stay.</p>
      <form method="post" action="/connect/switch">
        <input type="hidden" name="csrf" value="${e(options.csrf)}">
        <div class="actions">
          <button type="submit" name="choice" value="stay">Stay with ${current}</button>
          <button type="submit" name="choice" value="switch" class="secondary">Switch to ${next}</button>
        </div>
      </form>
    </main>
  </body>
</html>
`;
}
