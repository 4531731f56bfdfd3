using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sync.LocalHost.Tests;

/// <summary>
/// Serves fixed files on a loopback port, like pre-authenticated blob URLs (the query is ignored): each with an ETag,
/// answering 304 to a matching If-None-Match, and able to misbehave on its first requests (<see cref="Fault"/>).
/// </summary>
internal sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, ServedFile> _files = [];
    private readonly Dictionary<string, string> _redirects = [];
    private readonly int _port;

    public LoopbackFileServer()
    {
        _port = FreePort();

        _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>How a file's first requests misbehave.</summary>
    public enum Fault
    {
        /// <summary>503 Service Unavailable.</summary>
        Unavailable,

        /// <summary>429 Too Many Requests with <c>Retry-After: 1</c>.</summary>
        Throttled,

        /// <summary>Headers, half the body, then nothing more (the connection stays open).</summary>
        Stalls,

        /// <summary>A Content-Length above the bytes sent, then the connection closes.</summary>
        CutShort,
    }

    /// <param name="delay">How long each answer waits before it sends the file.</param>
    /// <param name="unavailableFirst">How many requests are answered 503 (a transient fault) before the file is served; -1: always.</param>
    public void Serve(string path, string content, TimeSpan delay = default, int unavailableFirst = 0) =>
        _files[path] = new ServedFile(Encoding.UTF8.GetBytes(content), delay, unavailableFirst, Fault.Unavailable);

    /// <summary>Serves <paramref name="content"/> after its first <paramref name="faultyFirst"/> requests misbehaved as <paramref name="fault"/>.</summary>
    public void Serve(string path, string content, Fault fault, int faultyFirst = 1) =>
        _files[path] = new ServedFile(Encoding.UTF8.GetBytes(content), default, faultyFirst, fault);

    /// <summary>Answers <paramref name="path"/> with a 302 to <paramref name="location"/>.</summary>
    public void Redirect(string path, string location) => _redirects[path] = location;

    public void Serve(string path, byte[] content) => _files[path] = new ServedFile(content, default, 0, Fault.Unavailable);

    /// <summary>How many requests a path has received.</summary>
    public int Requests(string path) => _files.TryGetValue(path, out var file) ? file.Requests : 0;

    /// <summary>How many requests of a path were answered 304 Not Modified.</summary>
    public int NotModified(string path) => _files.TryGetValue(path, out var file) ? file.NotModified : 0;

    /// <summary>When each request of a path arrived.</summary>
    public IReadOnlyList<DateTime> RequestTimes(string path) => _files.TryGetValue(path, out var file) ? [.. file.Times] : [];

    public string Url(string pathAndQuery) => $"http://127.0.0.1:{_port}{pathAndQuery}";

    public void Dispose() => _listener.Close();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (_redirects.TryGetValue(context.Request.Url!.AbsolutePath, out string? location))
        {
            response.StatusCode = 302;
            response.RedirectLocation = location;
            return;
        }

        if (_files.TryGetValue(context.Request.Url!.AbsolutePath, out var file))
        {
            int request = Interlocked.Increment(ref file.Requests);
            file.Times.Enqueue(DateTime.UtcNow);
            if (file.UnavailableFirst < 0 || request <= file.UnavailableFirst)
            {
                await MisbehaveAsync(context, file);
                return;
            }

            if (context.Request.Headers["If-None-Match"] == file.ETag)
            {
                Interlocked.Increment(ref file.NotModified);
                response.StatusCode = 304;
                return;
            }

            await Task.Delay(file.Delay);
            response.ContentLength64 = file.Bytes.Length;
            response.AddHeader("ETag", file.ETag);
            await response.OutputStream.WriteAsync(file.Bytes);
        }
        else
        {
            response.StatusCode = 404;
        }
    }

    private static async Task MisbehaveAsync(HttpListenerContext context, ServedFile file)
    {
        var response = context.Response;
        switch (file.Fault)
        {
            case Fault.Throttled:
                response.StatusCode = 429;
                response.AddHeader("Retry-After", "1");
                break;
            case Fault.Stalls:
                response.ContentLength64 = file.Bytes.Length;
                await response.OutputStream.WriteAsync(file.Bytes.AsMemory(0, file.Bytes.Length / 2));
                await response.OutputStream.FlushAsync();
                await Task.Delay(TimeSpan.FromMinutes(2));
                break;
            case Fault.CutShort:
                response.ContentLength64 = file.Bytes.Length + 100;
                await response.OutputStream.WriteAsync(file.Bytes);
                await response.OutputStream.FlushAsync();
                response.Abort();
                break;
            default:
                response.StatusCode = 503;
                break;
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private sealed class ServedFile(byte[] bytes, TimeSpan delay, int unavailableFirst, Fault fault)
    {
        public int Requests;

        public int NotModified;

        public System.Collections.Concurrent.ConcurrentQueue<DateTime> Times { get; } = new();

        public string ETag { get; } = $"\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..16]}\"";

        public Fault Fault { get; } = fault;

        public byte[] Bytes { get; } = bytes;

        public TimeSpan Delay { get; } = delay;

        public int UnavailableFirst { get; } = unavailableFirst;
    }
}
