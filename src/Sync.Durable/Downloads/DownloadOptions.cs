namespace Sync.Durable.Downloads;

/// <summary>
/// How manifest files are downloaded (section <c>Downloads</c>). Callers choose the URLs, so every download goes
/// through <see cref="SafeHttp"/>: HTTPS only (plain HTTP only in Development), public addresses only, a bounded
/// number of redirects and bytes.
/// </summary>
public sealed class DownloadOptions
{
    public const string Section = "Downloads";

    /// <summary>Plain http:// URLs are accepted (the local host in Development sets this; never in Azure).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Addresses a download may connect to although they are not public (e.g. the tests' loopback file server).
    /// Empty by default: the only way around the address check.
    /// </summary>
    public IList<string> AllowedAddresses { get; } = [];

    public int MaxRedirects { get; set; } = 5;

    /// <summary>The largest file downloaded; larger ones are refused on their Content-Length or while streaming.</summary>
    public long MaxBytes { get; set; } = 8L << 30;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a server may keep a download waiting: for its answer, and between two pieces of its body.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of a download after a transient fault (408, 429, 5xx, network fault, stall, cut-off body).</summary>
    public int Retries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones double, with jitter. A <c>Retry-After</c> answer is honoured instead.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait before a retry, <c>Retry-After</c> included.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);
}
