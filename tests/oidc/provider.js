// A real OpenID provider (the certified `oidc-provider` package) for the tests, on the loopback only.
//
// PORT: where to listen on 127.0.0.1.  REDIRECT_URIS: comma-separated callback URLs of the tracker.
// Clients: `tracker` behaves; the others are test switches whose ID tokens the provider re-signs
// after issuing them, so the tracker sees a wrong audience, an expired token, a clock skew or a
// signature from a key the provider never published.
// PUT /test-accounts/<login> with a JSON body sets the claims of a person; any other login signs in
// as <login> (its subject) with that address, verified.
import { generateKeyPair, exportJWK, importJWK, decodeJwt, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.REDIRECT_URIS || '').split(',').filter(Boolean);
const signOutUris = redirectUris.map((uri) => new URL('/sign-in', uri).href);

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signing = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const unpublished = (await generateKeyPair('RS256')).privateKey;

const now = () => Math.floor(Date.now() / 1000);
const TAMPER = {
  'tracker-wrong-aud': (claims) => ({ ...claims, aud: 'another-service' }),
  'tracker-expired': (claims) => ({ ...claims, iat: now() - 7200, exp: now() - 3600 }),
  'tracker-skewed': (claims) => ({ ...claims, iat: now() + 900, exp: now() + 4500 }),
  'tracker-bad-signature': (claims) => claims,
};

const accounts = new Map();

function claimsOf(login) {
  const set = accounts.get(login) || {};
  return {
    email: login,
    email_verified: true,
    name: login.split('@')[0],
    preferred_username: login,
    ...set,
  };
}

const provider = new Provider(issuer, {
  clients: ['tracker', ...Object.keys(TAMPER)].map((id) => ({
    client_id: id,
    client_secret: `secret-${id}`,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: signOutUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
  })),
  jwks: { keys: [signing] },
  cookies: { keys: ['test-only-cookie-key'] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'groups', 'roles', 'oid', 'xms_edov'],
  },
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
});
provider.proxy = false;

// Test switches: re-sign the ID token of the tampering clients.
provider.use(async (ctx, next) => {
  await next();
  const tamper = TAMPER[ctx.oidc?.client?.clientId];
  if (ctx.path !== '/token' || !tamper || !ctx.body?.id_token) return;
  const claims = tamper(decodeJwt(ctx.body.id_token));
  const key = ctx.oidc.client.clientId === 'tracker-bad-signature' ? unpublished : await importJWK(signing, 'RS256');
  ctx.body = {
    ...ctx.body,
    id_token: await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(key),
  };
});

// Test switch: set the claims a person's ID token carries.
provider.use(async (ctx, next) => {
  const match = ctx.method === 'PUT' && ctx.path.match(/^\/test-accounts\/(.+)$/);
  if (!match) return next();
  let text = '';
  for await (const chunk of ctx.req) text += chunk;
  accounts.set(decodeURIComponent(match[1]), JSON.parse(text || '{}'));
  ctx.status = 204;
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
