namespace Sync.Durable.Resync;

/// <summary>Automatic resync (section <c>Resync</c>).</summary>
public sealed class ResyncOptions
{
    public const string Section = "Resync";

    /// <summary>How long after a file's last change its connections wait before running, so a burst of changes is one run.</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Local host: how often the files container is scanned for versions written straight into it.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(5);
}
