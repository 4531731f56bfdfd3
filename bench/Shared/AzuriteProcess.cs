using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Sync.Benchmarks;

/// <summary>The Azurite serving <c>SYNC_BENCH_STORAGE</c>, so a benchmark can tell storage's CPU from its own.</summary>
internal static partial class AzuriteProcess
{
    /// <summary>Found by its blob port on the command line; null when not found.</summary>
    public static Process? Find()
    {
        string storage = Environment.GetEnvironmentVariable("SYNC_BENCH_STORAGE") ?? string.Empty;
        string port = BlobPort().Match(storage).Groups[1].Value;
        foreach (string dir in Directory.Exists("/proc") ? Directory.GetDirectories("/proc") : [])
        {
            string cmdline = Path.Combine(dir, "cmdline");
            if (int.TryParse(Path.GetFileName(dir), out int pid) && File.Exists(cmdline)
                && File.ReadAllText(cmdline).Replace('\0', ' ') is var text && text.Contains("azurite", StringComparison.Ordinal) && port.Length > 0 && text.Contains($"--blobPort {port}", StringComparison.Ordinal))
            {
                return Process.GetProcessById(pid);
            }
        }

        return null;
    }

    [GeneratedRegex(@"BlobEndpoint=http://[^:;/]+:(\d+)")]
    private static partial Regex BlobPort();
}
