"""What the app believes about where a request came from, and nothing a client may choose.

Behind a reverse proxy the client's address, the scheme and the host arrive in headers any client
can also send. Only the configured number of proxies (PROXY_FIX_HOPS) is believed, and only when
the request comes from one of FORWARDED_ALLOW_IPS; each value is checked before it is used. The
path prefix comes from URL_PREFIX alone: X-Forwarded-Prefix, X-Forwarded-Port and Forwarded are
never read, so no header can move a link onto another host or path.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

# A host name or IPv4 address with an optional port, or a bracketed IPv6 address with one.
HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$"
)
SCHEMES = {"http", "https"}
LONGEST_ADDRESS = 45  # an IPv6 address holding an IPv4 one, written out in full


def valid_address(value):
    """The address in its normal written form, or None when the text is not an IP address."""
    if not isinstance(value, str) or len(value) > LONGEST_ADDRESS:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def allowed_networks(setting):
    """FORWARDED_ALLOW_IPS (a comma-separated text or a list) as networks; '*' allows any."""
    items = setting.split(",") if isinstance(setting, str) else list(setting or ())
    items = [item.strip() for item in items if item.strip()]
    if "*" in items:
        return [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    return [ipaddress.ip_network(item, strict=False) for item in items]


def normalise_prefix(prefix):
    """URL_PREFIX as '' or '/path' without a trailing slash."""
    prefix = (prefix or "").strip().strip("/")
    return f"/{prefix}" if prefix else ""


class TrustedProxies:
    """WSGI middleware: the client address, scheme and host from trusted proxies, the prefix from settings."""

    def __init__(self, app, *, hops, allow_ips, prefix=""):
        self.app = app
        self.hops = max(int(hops or 0), 0)
        self.networks = allowed_networks(allow_ips)
        self.prefix = normalise_prefix(prefix)

    def __call__(self, environ, start_response):
        if self.hops and self._from_trusted_proxy(environ.get("REMOTE_ADDR")):
            self._believe_proxy(environ)
        environ["REMOTE_ADDR"] = valid_address(environ.get("REMOTE_ADDR")) or ""
        self._apply_prefix(environ)
        return self.app(environ, start_response)

    def _from_trusted_proxy(self, remote):
        address = valid_address(remote)
        if address is None:
            return False
        address = ipaddress.ip_address(address)
        return any(address in network for network in self.networks if network.version == address.version)

    def _believe_proxy(self, environ):
        client = self._nth_from_the_end(environ.get("HTTP_X_FORWARDED_FOR"))
        if client is not None and valid_address(client):
            environ["REMOTE_ADDR"] = valid_address(client)
        scheme = (self._nth_from_the_end(environ.get("HTTP_X_FORWARDED_PROTO")) or "").lower()
        if scheme in SCHEMES:
            environ["wsgi.url_scheme"] = scheme
        host = self._nth_from_the_end(environ.get("HTTP_X_FORWARDED_HOST"))
        if host is not None and len(host) <= 260 and HOST.match(host):
            environ["HTTP_HOST"] = host

    def _nth_from_the_end(self, header):
        """The value the outermost trusted proxy added: earlier ones may be the client's own."""
        if not header:
            return None
        values = [value.strip() for value in header.split(",")]
        return values[-self.hops] if len(values) >= self.hops else None

    def _apply_prefix(self, environ):
        # A server may have set SCRIPT_NAME from a request header (gunicorn reads one): start again
        # from the whole path and take only the configured prefix off it.
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            path = path[len(self.prefix) :]
        environ["SCRIPT_NAME"] = self.prefix
        environ["PATH_INFO"] = path


def external_url(endpoint, **values):
    """An absolute link to a page of the tracker built from BASE_URL alone, inside or outside a request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def client_address():
    """This request's client address, checked and in normal form, or None: the only address the app stores."""
    return valid_address(request.remote_addr) if has_request_context() else None
