using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace PortalBench;

/// <summary>
/// One request of a load phase, ready to render. The bench builds one per sequence number, so it should cost little:
/// strings the bench made once per terminal and a body it reuses or has to build anyway.
/// </summary>
/// <param name="Path">Path and query, e.g. <c>/api/v1/devices/checkin</c> (ASCII).</param>
/// <param name="Authorization">The whole Authorization value, e.g. <c>Bearer …</c> (ASCII).</param>
/// <param name="Body">The JSON body, sent as <c>application/json</c>.</param>
/// <param name="IdempotencyKey">Sent as <c>Idempotency-Key</c> when set (ASCII).</param>
public readonly record struct LoadRequest(string Path, string Authorization, ReadOnlyMemory<byte> Body, string? IdempotencyKey = null);

/// <summary>
/// A fixed pool of persistent HTTP/1.1 connections to the portal, one request in flight on each (terminals do not
/// pipeline), as wrk and bombardier drive a server: every request is a POST rendered into its connection's own buffer,
/// and every answer is parsed just far enough to know its status and where its body ends. It replaced HttpClient, whose
/// client CPU per check-in (50–110 µs on the shared two cores, 2026-12-01) the portal lacked; this client takes about a
/// third less (23–51 % in back-to-back runs), most of the rest being the kernel's loopback TCP work, charged to the sender.
/// </summary>
public sealed class RawHttpClient : IDisposable
{
    private readonly RawHttpConnection[] _connections;

    // Unbounded only in name: it never holds more than the pool's connections. Waiting renters are served first come,
    // first served, so in an open loop the request that fell due first gets the next free connection.
    private readonly Channel<RawHttpConnection> _free = Channel.CreateUnbounded<RawHttpConnection>();

    public RawHttpClient(Uri baseUrl, int connections)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(connections, 1);
        // IPv4: the portal listens on 127.0.0.1 whatever name the base URL uses.
        var endpoint = new IPEndPoint(Dns.GetHostAddresses(baseUrl.Host, AddressFamily.InterNetwork)[0], baseUrl.Port);
        // Everything between the path and the Authorization value is the same in every request.
        var headBetweenPathAndAuthorization = Encoding.ASCII.GetBytes(
            $" HTTP/1.1\r\nHost: {baseUrl.Authority}\r\nContent-Type: application/json\r\nAuthorization: ");
        _connections = [.. Enumerable.Range(0, connections).Select(_ => new RawHttpConnection(endpoint, headBetweenPathAndAuthorization))];
        foreach (var connection in _connections)
        {
            _free.Writer.TryWrite(connection);
        }
    }

    public int Connections => _connections.Length;

    /// <summary>A free connection, at once or as soon as one is returned.</summary>
    public ValueTask<RawHttpConnection> RentAsync() => _free.Reader.ReadAsync();

    public void Return(RawHttpConnection connection) => _free.Writer.TryWrite(connection);

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }
}

/// <summary>The portal's answer broke HTTP/1.1 framing (or used framing this client does not speak).</summary>
public sealed class MalformedResponseException(string message) : IOException(message);

/// <summary>
/// One keep-alive connection of the pool. It opens its socket on first use and again after a failed exchange or a
/// <c>Connection: close</c>, so a failure costs the pool a reconnect, never a connection. Unlike HttpClient it does not
/// retry a request on a connection the portal closed while it was idle: that request fails (EndOfStreamException) and
/// the next reconnects. The bench's phases follow each other within seconds, well inside Kestrel's 130 s keep-alive.
/// </summary>
public sealed class RawHttpConnection(IPEndPoint endpoint, byte[] headBetweenPathAndAuthorization) : IDisposable
{
    // As HttpClient.Timeout was: a portal that stops answering fails the request instead of hanging the bench.
    private static readonly TimeSpan ExchangeTimeout = TimeSpan.FromSeconds(60);

    private const int MaxContentLengthDigits = 10; // of int.MaxValue: bodies are arrays

    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();

    private byte[] _request = new byte[4096];

    // Holds a response head or one chunk-size line whole, so it bounds them (Kestrel's heads are a few hundred bytes);
    // bodies only pass through it.
    private readonly byte[] _response = new byte[16 * 1024];

    // Received bytes not yet consumed: _response[_unreadStart.._unreadEnd].
    private int _unreadStart;
    private int _unreadEnd;

    private Socket? _socket;
    private CancellationTokenSource _timeout = new();

    /// <summary>Sends the request and reads its whole answer; throws <see cref="SocketException"/>, <see cref="IOException"/>
    /// (<see cref="MalformedResponseException"/>, <see cref="EndOfStreamException"/>) or <see cref="TimeoutException"/>.</summary>
    public async ValueTask<HttpStatusCode> SendAsync(LoadRequest request)
    {
        var length = Render(request);
        // One timer per connection, re-armed for each exchange; a fired one (a timeout, or an idle spell) is spent.
        if (_timeout.IsCancellationRequested)
        {
            _timeout.Dispose();
            _timeout = new CancellationTokenSource();
        }

        _timeout.CancelAfter(ExchangeTimeout);
        var token = _timeout.Token;
        try
        {
            _socket ??= await ConnectAsync(token);
            for (var sent = 0; sent < length;)
            {
                sent += await _socket.SendAsync(_request.AsMemory(sent, length - sent), SocketFlags.None, token);
            }

            var (status, keepAlive) = await ReceiveResponseAsync(_socket, token);
            if (!keepAlive)
            {
                CloseSocket();
            }

            return status;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            CloseSocket();
            throw new TimeoutException($"No complete answer within {ExchangeTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            // Whatever was left half-sent or half-read makes the socket useless for the next request.
            CloseSocket();
            throw;
        }
    }

    public void Dispose()
    {
        CloseSocket();
        _timeout.Dispose();
    }

    private async ValueTask<Socket> ConnectAsync(CancellationToken token)
    {
        // NoDelay: a request is one write, and Nagle would hold back a small one until the last answer's ACK.
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void CloseSocket()
    {
        _socket?.Dispose();
        _socket = null;
        _unreadStart = _unreadEnd = 0;
    }

    /// <summary>Writes the whole request (head and body, so it leaves in one send) into <see cref="_request"/>; returns its length.</summary>
    private int Render(in LoadRequest request)
    {
        var body = request.Body.Span;
        var needed = "POST "u8.Length + request.Path.Length + headBetweenPathAndAuthorization.Length + request.Authorization.Length
                     + (request.IdempotencyKey is { } key ? "\r\nIdempotency-Key: "u8.Length + key.Length : 0)
                     + "\r\nContent-Length: "u8.Length + MaxContentLengthDigits + "\r\n\r\n"u8.Length + body.Length;
        if (_request.Length < needed)
        {
            _request = new byte[Math.Max(needed, _request.Length * 2)];
        }

        var into = _request.AsSpan();
        var at = 0;
        Append("POST "u8, into, ref at);
        AppendAscii(request.Path, into, ref at);
        Append(headBetweenPathAndAuthorization, into, ref at);
        AppendAscii(request.Authorization, into, ref at);
        if (request.IdempotencyKey is { } idempotencyKey)
        {
            Append("\r\nIdempotency-Key: "u8, into, ref at);
            AppendAscii(idempotencyKey, into, ref at);
        }

        Append("\r\nContent-Length: "u8, into, ref at);
        body.Length.TryFormat(into[at..], out var digits, default, CultureInfo.InvariantCulture);
        at += digits;
        Append("\r\n\r\n"u8, into, ref at);
        Append(body, into, ref at);
        return at;
    }

    private static void Append(ReadOnlySpan<byte> part, Span<byte> into, ref int at)
    {
        part.CopyTo(into[at..]);
        at += part.Length;
    }

    private static void AppendAscii(string text, Span<byte> into, ref int at)
    {
        // A header value outside ASCII (or a CR/LF in it) would be a bench bug that silently changes the request.
        if (Ascii.FromUtf16(text, into[at..], out var written) != OperationStatus.Done || text.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException($"Not a single line of ASCII: '{text}'.", nameof(text));
        }

        at += written;
    }

    /// <summary>Reads one whole response (skipping interim 1xx ones) and discards its body.</summary>
    private async ValueTask<(HttpStatusCode Status, bool KeepAlive)> ReceiveResponseAsync(Socket socket, CancellationToken token)
    {
        while (true)
        {
            var headLength = await ReceiveUntilAsync(socket, HeadEnd, token);
            var head = ResponseHead.Parse(_response.AsSpan(_unreadStart, headLength));
            _unreadStart += headLength;
            if (head.IsInterim)
            {
                continue;
            }

            if (head.IsChunked)
            {
                await DiscardChunkedBodyAsync(socket, token);
            }
            else
            {
                await DiscardAsync(socket, head.ContentLength, token);
            }

            // Without pipelining nothing may follow the answer: more bytes mean the framing was misread.
            if (_unreadStart != _unreadEnd)
            {
                throw new MalformedResponseException($"{_unreadEnd - _unreadStart} bytes after the end of the response.");
            }

            return (head.Status, head.KeepAlive);
        }
    }

    private async ValueTask DiscardChunkedBodyAsync(Socket socket, CancellationToken token)
    {
        while (true)
        {
            var lineLength = await ReceiveUntilAsync(socket, CrLf, token);
            var size = ResponseHead.ParseChunkSize(_response.AsSpan(_unreadStart, lineLength - CrLf.Length));
            _unreadStart += lineLength;
            if (size == 0)
            {
                break;
            }

            await DiscardAsync(socket, size, token);
            if (await ReceiveUntilAsync(socket, CrLf, token) != CrLf.Length)
            {
                throw new MalformedResponseException("A chunk longer than its size.");
            }

            _unreadStart += CrLf.Length;
        }

        // Trailer fields (rarely any), then the empty line that ends the message.
        int trailerLength;
        do
        {
            trailerLength = await ReceiveUntilAsync(socket, CrLf, token);
            _unreadStart += trailerLength;
        }
        while (trailerLength != CrLf.Length);
    }

    /// <summary>Receives until the unread bytes contain <paramref name="end"/>; returns the length up to and including it.</summary>
    private async ValueTask<int> ReceiveUntilAsync(Socket socket, byte[] end, CancellationToken token)
    {
        var searched = 0;
        while (true)
        {
            var found = _response.AsSpan(_unreadStart + searched, _unreadEnd - _unreadStart - searched).IndexOf(end);
            if (found >= 0)
            {
                return searched + found + end.Length;
            }

            // The end marker may straddle what has arrived and what comes next.
            searched = Math.Max(0, _unreadEnd - _unreadStart - (end.Length - 1));
            await ReceiveMoreAsync(socket, token);
        }
    }

    private async ValueTask DiscardAsync(Socket socket, long count, CancellationToken token)
    {
        while (true)
        {
            var unread = _unreadEnd - _unreadStart;
            if (count <= unread)
            {
                _unreadStart += (int)count;
                return;
            }

            count -= unread;
            _unreadStart = _unreadEnd;
            await ReceiveMoreAsync(socket, token);
        }
    }

    private async ValueTask ReceiveMoreAsync(Socket socket, CancellationToken token)
    {
        if (_unreadStart == _unreadEnd)
        {
            _unreadStart = _unreadEnd = 0;
        }
        else if (_unreadEnd == _response.Length)
        {
            if (_unreadStart == 0)
            {
                throw new MalformedResponseException($"A response head or chunk line longer than {_response.Length} bytes.");
            }

            _response.AsSpan(_unreadStart.._unreadEnd).CopyTo(_response);
            _unreadEnd -= _unreadStart;
            _unreadStart = 0;
        }

        var received = await socket.ReceiveAsync(_response.AsMemory(_unreadEnd), SocketFlags.None, token);
        if (received == 0)
        {
            throw new EndOfStreamException("The portal closed the connection before the response was complete.");
        }

        _unreadEnd += received;
    }

    /// <summary>What the status line and header fields say about the message: its status, how its body is framed, whether the connection stays open.</summary>
    private readonly record struct ResponseHead(HttpStatusCode Status, long ContentLength, bool IsChunked, bool KeepAlive)
    {
        /// <summary>A 1xx answer other than 101: another head follows (only 100 Continue exists, and only after Expect).</summary>
        public bool IsInterim => (int)Status is >= 100 and < 200;

        /// <summary>Parses a head ending in its empty line (RFC 9112: status line, then one field per line).</summary>
        public static ResponseHead Parse(ReadOnlySpan<byte> head)
        {
            var statusLineEnd = head.IndexOf("\r\n"u8);
            var statusLine = head[..statusLineEnd];
            // "HTTP/1.1 200 OK": version, space, three digits, then a space and a reason phrase (which may be empty or absent).
            if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || !char.IsAsciiDigit((char)statusLine[7]) || statusLine[8] != ' '
                || (statusLine.Length > 12 && statusLine[12] != ' ')
                || !int.TryParse(statusLine.Slice(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status < 100)
            {
                throw new MalformedResponseException($"Not an HTTP/1.x status line: '{Printable(statusLine)}'.");
            }

            if (status == 101)
            {
                throw new MalformedResponseException("101 Switching Protocols, though no upgrade was asked for.");
            }

            var isHttp10 = statusLine[7] == '0';
            var (saysClose, saysKeepAlive) = (false, false);
            long? contentLength = null;
            var chunked = false;
            var fields = head[(statusLineEnd + 2)..];
            while (true)
            {
                var lineEnd = fields.IndexOf("\r\n"u8);
                var line = fields[..lineEnd];
                fields = fields[(lineEnd + 2)..];
                if (line.IsEmpty)
                {
                    break;
                }

                var colon = line.IndexOf((byte)':');
                // No whitespace before the colon or at the start (obsolete line folding): both are errors in RFC 9112.
                if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
                {
                    throw new MalformedResponseException($"Not a header field: '{Printable(line)}'.");
                }

                var name = line[..colon];
                var value = line[(colon + 1)..].Trim(" \t"u8);
                if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
                {
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || (contentLength is { } earlier && earlier != length))
                    {
                        throw new MalformedResponseException($"Bad or conflicting Content-Length: '{Printable(value)}'.");
                    }

                    contentLength = length;
                }
                else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
                {
                    // Chunked must be the last coding; any other leaves the body's end unknown short of the connection's.
                    if (!Ascii.EqualsIgnoreCase(value[(value.LastIndexOf((byte)',') + 1)..].Trim(" \t"u8), "chunked"u8))
                    {
                        throw new MalformedResponseException($"Unsupported Transfer-Encoding: '{Printable(value)}'.");
                    }

                    chunked = true;
                }
                else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
                {
                    foreach (var option in value.Split((byte)','))
                    {
                        var token = value[option].Trim(" \t"u8);
                        saysClose |= Ascii.EqualsIgnoreCase(token, "close"u8);
                        saysKeepAlive |= Ascii.EqualsIgnoreCase(token, "keep-alive"u8);
                    }
                }
            }

            // HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes it unless told to keep it.
            var keepAlive = !saysClose && (!isHttp10 || saysKeepAlive);
            if (chunked)
            {
                // Transfer-Encoding overrides Content-Length (RFC 9112 6.3).
                return new ResponseHead((HttpStatusCode)status, 0, true, keepAlive);
            }

            if (status is < 200 or 204 or 304)
            {
                return new ResponseHead((HttpStatusCode)status, 0, false, keepAlive);
            }

            // A body delimited only by the connection's end would cost the connection: the portal never answers so.
            return contentLength is { } bodyLength
                ? new ResponseHead((HttpStatusCode)status, bodyLength, false, keepAlive)
                : throw new MalformedResponseException($"A {status} response with neither Content-Length nor chunked Transfer-Encoding.");
        }

        /// <summary>The size in a chunk-size line (hexadecimal, then optional <c>;extensions</c>).</summary>
        public static long ParseChunkSize(ReadOnlySpan<byte> line)
        {
            var semicolon = line.IndexOf((byte)';');
            var digits = (semicolon < 0 ? line : line[..semicolon]).Trim(" \t"u8);
            // Hexadecimal parsing yields two's complement, so 16 digits from 8 up read as negative: refuse those too.
            if (!long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw new MalformedResponseException($"Bad chunk size line: '{Printable(line)}'.");
            }

            return size;
        }

        private static string Printable(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 200)]);
    }
}
