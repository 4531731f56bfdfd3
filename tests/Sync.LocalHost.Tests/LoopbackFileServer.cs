using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sync.LocalHost.Tests;

/// <summary>Serves fixed files on a loopback port, like pre-authenticated blob URLs (the query is ignored).</summary>
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

    /// <param name="delay">How long each answer waits before it sends the file.</param>
    /// <param name="unavailableFirst">How many requests are answered 503 (a transient fault) before the file is served; -1: always.</param>
    public void Serve(string path, string content, TimeSpan delay = default, int unavailableFirst = 0) =>
        _files[path] = new ServedFile(Encoding.UTF8.GetBytes(content), delay, unavailableFirst);

    /// <summary>Answers <paramref name="path"/> with a 302 to <paramref name="location"/>.</summary>
    public void Redirect(string path, string location) => _redirects[path] = location;

    public void Serve(string path, byte[] content) => _files[path] = new ServedFile(content, default, 0);

    /// <summary>How many requests a path has received.</summary>
    public int Requests(string path) => _files.TryGetValue(path, out var file) ? file.Requests : 0;

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
            if (file.UnavailableFirst < 0 || request <= file.UnavailableFirst)
            {
                response.StatusCode = 503;
                return;
            }

            await Task.Delay(file.Delay);
            response.ContentLength64 = file.Bytes.Length;
            await response.OutputStream.WriteAsync(file.Bytes);
        }
        else
        {
            response.StatusCode = 404;
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

    private sealed class ServedFile(byte[] bytes, TimeSpan delay, int unavailableFirst)
    {
        public int Requests;

        public byte[] Bytes { get; } = bytes;

        public TimeSpan Delay { get; } = delay;

        public int UnavailableFirst { get; } = unavailableFirst;
    }
}
