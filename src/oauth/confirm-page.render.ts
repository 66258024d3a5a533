/**
 * The page a browser sees at a ticket URL (docs/security.md#a-link-never-acts-on-its-own). It says
 * which connector and whose connection the account will be connected to, and offers Continue
 * and Cancel in one POST form with the anti-forgery field. It shows only what the operator
 * decided (the catalog's connector name, the owner's name), never text the link's sender chose
 * (a connection's label). No script, no external assets; one inline style block allowed by a
 * per-response nonce; every interpolated value is escaped.
 */
import { escapeHtml as e, PAGE_HEAD_START } from '../http/page';

export interface ConfirmPageContent {
  connectorName: string;
  ownerName: string;
  /** The form's action: the ticket URL's path and query. */
  action: string;
  formValue: string;
  nonce: string;
}

const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f6f7f9; color: #1f2328; }
  main { max-width: 30rem; margin: 10vh auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.35rem; margin: 0 0 1rem; }
  p { margin: .5rem 0; }
  .owner { font-size: 1.1rem; }
  .warn { background: #fef7e0; border: 1px solid #8a5300; border-radius: 8px; padding: .6rem .8rem; color: #5c3b00; }
  .actions { display: flex; gap: .75rem; flex-wrap: wrap; margin-top: 1.5rem; }
  button { font: inherit; font-weight: 600; min-height: 44px; padding: .5rem 1.1rem; border-radius: 6px; border: 2px solid #0b57d0; background: #0b57d0; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #0b57d0; }
  button:focus { outline: 3px solid #0b57d0; outline-offset: 2px; }
`;

export function renderConfirmPage(content: ConfirmPageContent): string {
  const connector = e(content.connectorName);
  const owner = e(content.ownerName);
  return `${PAGE_HEAD_START}
    <link rel="icon" href="data:,">
    <title>Connect ${connector} for ${owner}?</title>
    <style nonce="${e(content.nonce)}">${STYLE}</style>
  </head>
  <body>
    <main>
      <h1 data-outcome="confirm">Connect your ${connector} account?</h1>
      <p class="owner">The account you sign in with at ${connector} will be connected to <strong data-owner>${owner}</strong>, who can then use it through this gateway.</p>
      <p class="warn">Continue only if you started this yourself, from ${owner}’s app. If someone sent you this link, choose Cancel.</p>
      <form method="post" action="${e(content.action)}">
        <input type="hidden" name="confirm" value="${e(content.formValue)}">
        <div class="actions">
          <button type="submit" name="action" value="continue">Continue to ${connector}</button>
          <button type="submit" name="action" value="cancel" class="secondary">Cancel</button>
        </div>
      </form>
    </main>
  </body>
</html>
`;
}
