using System.Diagnostics;
using System.Globalization;
using System.Net;
using Sync.Durable.Downloads;
using Sync.Durable.Runs;

/// <summary>
/// A manifest download (SourceDownloader: guarded connect, retries, per-read timeout, SHA-256, temp file) against a
/// plain HttpClient download of the same bytes into a temp file, served from memory on loopback; alternating, 9 rounds.
/// </summary>
internal static class DownloadBench
{
    private const int Rounds = 9;

    public static async Task<int> RunAsync(int megabytes)
    {
        var bytes = new byte[megabytes * 1024L * 1024L];
        new Random(7).NextBytes(bytes);
        using var listener = new HttpListener();
        int port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (HttpListenerException)
                {
                    return;
                }

                using var response = context.Response;
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
        });

        string url = $"http://127.0.0.1:{port}/big.bin";
        var options = new DownloadOptions { AllowHttp = true };
        options.AllowedAddresses.Add("127.0.0.1");
        var downloader = SourceDownloader.Create(options);
        using var plain = new HttpClient();

        var ours = new List<double>();
        var baseline = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            string path = Path.GetTempFileName();
            await using (var file = File.Create(path))
            {
                using var response = await plain.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                await response.Content.CopyToAsync(file);
            }

            baseline.Add(clock.Elapsed.TotalSeconds);
            File.Delete(path);

            clock.Restart();
            var (downloaded, _, error, _) = await downloader.DownloadAsync(url, "big.bin", CancellationToken.None);
            ours.Add(clock.Elapsed.TotalSeconds);
            if (downloaded is null)
            {
                throw new InvalidOperationException(error);
            }

            if (new FileInfo(downloaded).Length != bytes.Length)
            {
                throw new InvalidOperationException("short download");
            }

            File.Delete(downloaded);
        }

        Console.WriteLine($"| download | plain HttpClient s (best / median of {Rounds}) | manifest download s (best / median) | best ÷ best | median of per-round ratios |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var ratios = ours.Zip(baseline, (o, b) => o / b).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {megabytes} MB loopback | {baseline.Min():F2} / {Median(baseline):F2} | {ours.Min():F2} / {Median(ours):F2} | {ours.Min() / baseline.Min():F2} | {Median(ratios):F2} |"));
        listener.Stop();
        return 0;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
