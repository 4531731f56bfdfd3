using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sync.LocalHost.Tests;

/// <summary>Serves fixed files on a loopback port, like pre-authenticated blob URLs (the query is ignored).</summary>
internal sealed class LoopbackFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, (byte[] Bytes, TimeSpan Delay)> _files = [];
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

    public void Serve(string path, string content, TimeSpan delay = default) => _files[path] = (Encoding.UTF8.GetBytes(content), delay);

    public string Url(string pathAndQuery) => $"http://127.0.0.1:{_port}{pathAndQuery}";

    public void Dispose() => _listener.Close();

    private async Task AnswerAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        if (_files.TryGetValue(context.Request.Url!.AbsolutePath, out var file))
        {
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
}
