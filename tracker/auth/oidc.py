"""OpenID Connect with the organisation's identity provider: the authorisation code flow with PKCE.

Authlib makes the authorisation request (state, nonce, S256 code challenge) and exchanges the code;
joserfc (Authlib's JOSE library) checks the ID token against the provider's published keys. Only
the verified claims leave this module: tokens are never stored.
"""

import secrets
import time
from urllib.parse import urlencode

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app, session, url_for
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet

from tracker.notify.services import absolute_url

ENTRA_ISSUER = "https://login.microsoftonline.com/{tenant}/v2.0"
# Discovery documents and keys are kept this long; keys are fetched again at once for an unknown key id.
METADATA_SECONDS = 3600
PENDING_KEY = "oidc_pending"
_cache = {}


class SignInError(Exception):
    """A sign-in through the provider that must not go on; reason names it in the audit log."""

    heading = "You could not sign in"
    status = 400

    def __init__(self, reason, detail=""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class ProviderUnavailable(SignInError):
    heading = "Your organisation's sign-in service is not available"
    status = 502


class ConsentRefused(SignInError):
    heading = "You did not allow the tracker to sign you in"


class ResponseRejected(SignInError):
    heading = "Your sign-in has expired or was changed"


class TokenRejected(SignInError):
    heading = "Your organisation's sign-in could not be checked"


def enabled():
    """True when single sign-on is set up: an issuer (or Entra tenant) and a client id."""
    return bool(issuer() and current_app.config["OIDC_CLIENT_ID"])


def issuer():
    """The configured issuer, or the Entra ID issuer of the tenant."""
    config = current_app.config
    if config["OIDC_ISSUER"]:
        return config["OIDC_ISSUER"].rstrip("/")
    if config["OIDC_ENTRA_TENANT_ID"]:
        return ENTRA_ISSUER.format(tenant=config["OIDC_ENTRA_TENANT_ID"])
    return ""


def redirect_uri():
    """The callback address registered with the provider, on the configured base URL."""
    return absolute_url(url_for("auth.organisation_callback"))


def _fetch_json(url):
    try:
        response = requests.get(url, timeout=current_app.config["OIDC_TIMEOUT_SECONDS"])
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable("provider_unavailable", f"{url}: {error}") from error


def _cached(url, refresh=False):
    kept = _cache.get(url)
    if kept and not refresh and kept[0] > time.monotonic():
        return kept[1]
    document = _fetch_json(url)
    _cache[url] = (time.monotonic() + METADATA_SECONDS, document)
    return document


def metadata():
    """The provider's discovery document, checked to be for the configured issuer."""
    document = _cached(issuer() + "/.well-known/openid-configuration")
    if document.get("issuer", "").rstrip("/") != issuer():
        raise ProviderUnavailable("wrong_issuer_in_discovery", document.get("issuer", ""))
    return document


def _client(**kwargs):
    config = current_app.config
    return OAuth2Session(
        config["OIDC_CLIENT_ID"],
        config["OIDC_CLIENT_SECRET"],
        scope=config["OIDC_SCOPES"],
        redirect_uri=redirect_uri(),
        code_challenge_method="S256",
        **kwargs,
    )


def authorisation_url(next_path=None):
    """Start a sign-in: keep state, nonce and code verifier in the session; return the provider's URL."""
    endpoint = metadata()["authorization_endpoint"]
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    url, _ = _client().create_authorization_url(endpoint, state=state, nonce=nonce, code_verifier=verifier)
    session[PENDING_KEY] = {"state": state, "nonce": nonce, "verifier": verifier, "next": next_path}
    return url


def complete(args):
    """Finish a sign-in from the callback's query; return (verified claims, next path) or raise SignInError."""
    # Taken out of the session at once, so the same response can never be used twice.
    pending = session.pop(PENDING_KEY, None)
    if args.get("error"):
        if args["error"] == "access_denied":
            raise ConsentRefused("consent_refused", args.get("error_description", ""))
        raise ResponseRejected("provider_error", f"{args['error']}: {args.get('error_description', '')}")
    if pending is None:
        raise ResponseRejected("no_sign_in_in_progress")
    if not secrets.compare_digest(args.get("state", ""), pending["state"]):
        raise ResponseRejected("state_mismatch")
    if not args.get("code"):
        raise ResponseRejected("no_code")
    id_token = _exchange(args["code"], pending["verifier"])
    return verify_id_token(id_token, pending["nonce"]), pending.get("next")


def _exchange(code, verifier):
    try:
        token = _client().fetch_token(
            metadata()["token_endpoint"],
            code=code,
            code_verifier=verifier,
            timeout=current_app.config["OIDC_TIMEOUT_SECONDS"],
        )
    except OAuthError as error:
        raise ResponseRejected("code_refused", f"{error.error}: {error.description}") from error
    except requests.RequestException as error:
        raise ProviderUnavailable("provider_unavailable", str(error)) from error
    if not token.get("id_token"):
        raise TokenRejected("no_id_token")
    return token["id_token"]


def _keys(refresh=False):
    return KeySet.import_key_set(_cached(metadata()["jwks_uri"], refresh=refresh))


def _decode(id_token):
    algorithms = metadata().get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [alg for alg in algorithms if alg != "none"]
    try:
        return jwt.decode(id_token, _keys(), algorithms=algorithms)
    except JoseError as first:
        # The provider may have rolled its keys since they were kept: fetch them once more.
        try:
            return jwt.decode(id_token, _keys(refresh=True), algorithms=algorithms)
        except (JoseError, ValueError) as error:
            raise TokenRejected("bad_signature", str(error)) from first


def verify_id_token(id_token, nonce):
    """The ID token's claims once its signature, iss, aud, exp, iat and nonce are right."""
    config = current_app.config
    claims = _decode(id_token).claims
    registry = jwt.JWTClaimsRegistry(
        leeway=config["OIDC_CLOCK_SKEW_SECONDS"],
        iss={"essential": True, "value": issuer()},
        aud={"essential": True, "value": config["OIDC_CLIENT_ID"]},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as error:
        raise TokenRejected("token_expired", str(error)) from error
    except (InvalidClaimError, MissingClaimError) as error:
        raise TokenRejected(f"bad_claim_{getattr(error, 'claim', 'unknown')}", str(error)) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != config["OIDC_CLIENT_ID"]:
        raise TokenRejected("bad_claim_azp")
    return claims


def sign_out_url():
    """The provider's own sign-out page, when it advertises one; None otherwise."""
    try:
        endpoint = metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not endpoint:
        return None
    query = {"client_id": current_app.config["OIDC_CLIENT_ID"], "post_logout_redirect_uri": absolute_url("/sign-in")}
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


def provider_sign_out_url():
    """The provider's sign-out page to offer after signing out, for people who came through it."""
    if session.get("signed_in_with") != "organisation" or not enabled():
        return None
    return sign_out_url()
