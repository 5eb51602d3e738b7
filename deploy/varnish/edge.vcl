vcl 4.1;
# Tribune audience edge, the streaming cache for LL-HLS segments: a Varnish beside nginx on each edge
# host. nginx sends it `/hls/<spaceId>/seg-<msn>.m4s` and nothing else (`tribune edge-config
# --stream-cache {{LISTEN}}`); everything else nginx caches itself.
#
# A template: the double-brace placeholders are filled by `tribune edge-config --varnish`
# (src/audience/edge-config.ts), which the tests use too:
#   tribune edge-config --varnish --listen {{LISTEN}} --origin 10.0.0.1:8080 … > /etc/varnish/tribune-edge.vcl
# and run varnishd as Debian's varnish.service does (its ExecStart: `systemctl edit --full varnish`):
#   {{VARNISHD_COMMAND}}
#
# Why a second cache: the origin answers the segment it is still producing as it produces it, one
# part (moof+mdat) every 400 ms in a chunked 200, so that a player fetches a whole segment with one
# request. nginx cannot share such a response while it fills: with proxy_cache_lock every other
# listener waits for the whole segment (2 s). Varnish can: one request goes to the origin, every
# other one is handed the bytes received so far and then follows the fill. See docs/edge.md.

import directors;

probe tribune_origin_alive {
    # The origin's liveness: answered by the process itself (no store, no bus), so cheap enough to ask
    # every second from every edge.
    .url = "/healthz";
    .interval = 1s;
    .timeout = 500ms;
    # Two failures out of the last three take an origin out (about 2 s, like nginx's 3 s skip); one
    # lost probe does not.
    .window = 3;
    .threshold = 2;
    # Healthy from the start: a restarted varnishd serves at once instead of answering 503 until its
    # first probes come back (a dead origin is still skipped after two of them, and retried below).
    .initial = 2;
}

# Each origin. Timeouts:
#  - connect 1 s: an origin on the same network answers a SYN in milliseconds; a dead one is retried
#    on the next origin (vcl_backend_error) rather than waited for (nginx's proxy_connect_timeout).
#  - first byte 10 s: the origin may hold a request until its media exists (docs/edge.md, "allow a
#    slow first byte").
#  - between bytes 3 s: a part arrives every 400 ms; an origin silent for 3 s has stalled, and a fetch
#    that fails is dropped, never stored (see vcl_backend_response).
{{BACKENDS}}

sub vcl_init {
    # Any origin answers any request, as in nginx's upstream block.
    new tribune_origins = directors.round_robin();
{{DIRECTOR_BACKENDS}}
}

sub vcl_recv {
    # Varnish appended its peer (nginx, on this host) to the X-Forwarded-For nginx set to the
    # listener's address; an origin taking the right-most untrusted address would see this host's
    # loopback for every listener. Undo the append: the origin sees what nginx wrote.
    if (req.http.X-Forwarded-For ~ ",") {
        set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, ",[^,]*$", "");
    }
    # Only segments are this cache's business (nginx sends it nothing else). Anything else, a segment
    # with a query string included (the origin answers 400 to one), goes to the origin uncached, as if
    # this cache were not there.
    if ((req.method != "GET" && req.method != "HEAD") || req.url !~ "^/hls/[A-Za-z0-9_-]{1,64}/seg-[0-9]+\.m4s$") {
        return (pass);
    }
    # A segment is the same bytes for every listener: no listener's credentials ride on a fetch made
    # for all of them (and none sends the request past the cache).
    unset req.http.Cookie;
    unset req.http.Authorization;
    # Media is never compressed: one stored copy serves every client.
    unset req.http.Accept-Encoding;
    return (hash);
}

sub vcl_hash {
    # The URL alone (no query string gets here): the Host a browser used does not change a segment.
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_fetch {
    set bereq.backend = tribune_origins.backend();
    # Varnish asks the origin for gzip on its own (http_gzip_support); media is sent as it is.
    unset bereq.http.Accept-Encoding;
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Bytes are passed on as they arrive, and a request for the same segment made meanwhile joins
    # this fetch instead of waiting for its end (Varnish's default since 4.0, stated because it is
    # the reason this cache exists).
    set beresp.do_stream = true;
    unset beresp.http.Set-Cookie;
    # The origin's Cache-Control decides. A segment that does not exist yet (404, no-store) may exist
    # 400 ms later, and an error is over as soon as it is: neither is kept, not even as a
    # hit-for-miss marker (which would send every request for that URL past the collapsing for its
    # lifetime), with no grace to be served from.
    if (beresp.status != 200 || beresp.ttl <= 0s || beresp.http.Cache-Control ~ "(?i)no-store|no-cache|private") {
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.keep = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Names are never reused: an immutable segment is the same bytes for as long as anyone asks.
    if (beresp.http.Cache-Control ~ "(?i)immutable") {
        set beresp.ttl = 365d;
    }
    # Grace: should a segment ever expire while listeners still ask for it, they get the copy held
    # while one request fetches it again; a few seconds cover that fetch, longer only holds memory.
    set beresp.grace = 10s;
    # Keep exists for conditional revalidation; an immutable segment is never revalidated.
    set beresp.keep = 0s;
    # A fetch that fails mid-body (the origin aborts the response when it hands the Space to another
    # origin) is marked failed by Varnish: its clients see their response cut, and the object is
    # removed, so the next request fetches the segment again. Nothing truncated is ever served as
    # complete.
    return (deliver);
}

sub vcl_backend_error {
    # No answer from that origin (refused, or no headers in time): the next origin, once, as nginx
    # does (proxy_next_upstream).
    if (bereq.retries < 1) {
        return (retry);
    }
    # Varnish's own 503 is kept for no one: the next request tries the origins again.
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.keep = 0s;
    set beresp.uncacheable = true;
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.body = "origin unavailable" + {"
"};
    return (deliver);
}

sub vcl_deliver {
    # Whether the cache answered is in varnishlog, not in headers: they would cost every player bytes
    # on every segment (nginx adds none either).
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
