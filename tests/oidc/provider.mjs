// A real OpenID Connect provider (npm's oidc-provider) for SchoolFit's single sign-on tests.
//
//   node provider.mjs PORT CONFIG.json
//
// CONFIG.json: {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}]}.
// The issuer is http://127.0.0.1:PORT. It prints "ready ISSUER" when it listens.
//
// Sign-in is this script's own small interaction: a page with one field, the account's login
// name, and no password. The accounts (login name -> sub and claims) are set by the tests:
//
//   POST /__test/accounts   {"anna": {"sub": "...", "email": "...", "name": "..."}, ...}
//   POST /__test/jwks       {"mode": "other"}  publish a key the provider does not sign with
//                           {"mode": "real"}   publish the provider's own key again
//   POST /__test/id-token   {"id_token": "..."} the next token response carries this ID token
//
// Loopback only; for tests, never for anything else.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const config = JSON.parse(readFileSync(process.argv[3], 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

function rsaKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function publicPart({ kty, n, e, kid, alg, use }) {
  return { kty, n, e, kid, alg, use };
}

const signingKey = rsaKey();
const otherKey = rsaKey();

const state = {
  accounts: {},
  jwksMode: 'real',
  nextIdToken: null,
};

function accountBySub(sub) {
  return Object.values(state.accounts).find((account) => account.sub === sub);
}

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: ['schoolfit-test-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'given_name', 'family_name'],
  },
  // The claims of the scopes go into the ID token itself (as Entra ID and Google do).
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  // Short, so the tests can see an expired one (the app allows a minute of clock skew).
  ttl: { IdToken: 300 },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
  },
  interactions: {
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  async findAccount(ctx, sub) {
    const account = accountBySub(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { ...account, sub };
      },
    };
  },
  // Consent is given for every client (the tests' clients are first-party).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Fout</title><h1>Fout</h1><pre>${escape(JSON.stringify(out))}</pre>`;
  },
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function loginPage(uid, message) {
  const note = message ? `<p role="alert">${escape(message)}</p>` : '';
  return `<!doctype html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Test-IdP: inloggen</title></head>
<body><h1>Test-IdP</h1>${note}
<form method="post" action="/interaction/${escape(uid)}/login">
<label>Gebruikersnaam <input name="login" autocomplete="username" autofocus></label>
<button type="submit">Aanmelden</button>
</form></body></html>`;
}

provider.use(async (ctx, next) => {
  const { path, method } = ctx;
  if (path === '/__test/accounts' && method === 'POST') {
    state.accounts = JSON.parse(await readBody(ctx.req));
    ctx.body = { ok: true };
    return;
  }
  if (path === '/__test/jwks' && method === 'POST') {
    state.jwksMode = JSON.parse(await readBody(ctx.req)).mode;
    ctx.body = { ok: true };
    return;
  }
  if (path === '/__test/id-token' && method === 'POST') {
    state.nextIdToken = JSON.parse(await readBody(ctx.req)).id_token;
    ctx.body = { ok: true };
    return;
  }
  if (path === '/jwks' && state.jwksMode === 'other') {
    ctx.type = 'application/jwk-set+json';
    ctx.body = { keys: [publicPart(otherKey)] };
    return;
  }
  const match = path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (match) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (method === 'GET' && !match[2]) {
      ctx.type = 'html';
      ctx.set('Cache-Control', 'no-store');
      ctx.body = loginPage(details.uid);
      return;
    }
    if (method === 'POST' && match[2]) {
      const login = new URLSearchParams(await readBody(ctx.req)).get('login') || '';
      const account = state.accounts[login.trim()];
      if (!account) {
        ctx.status = 200;
        ctx.type = 'html';
        ctx.body = loginPage(details.uid, 'Onbekende gebruiker');
        return;
      }
      await provider.interactionFinished(ctx.req, ctx.res, {
        login: { accountId: account.sub },
      }, { mergeWithLastSubmission: false });
      return;
    }
  }
  await next();
  if (path === '/token' && state.nextIdToken && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: state.nextIdToken };
    state.nextIdToken = null;
  }
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
