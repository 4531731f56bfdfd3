namespace Sync.Engine.Runs;

/// <summary>How runs are supervised (configuration section <c>Runs</c>).</summary>
public sealed class RunOptions
{
    public const string Section = "Runs";

    /// <summary>
    /// A run whose record has not changed for this long is taken for dead (its host never came back): the next
    /// start request of its connection ends it with <c>RunAbandoned</c> and takes over its lock. Every finished
    /// file writes the record, so this must exceed the time one file can take.
    /// </summary>
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// The longest one source file may take to be read and compared. A file still being read then fails its task
    /// with <c>SourceFileTimedOut</c> and stages nothing, so a hostile or broken file cannot hold a run (or a
    /// worker) for ever. Connectors observe it where they loop; keep it well under <see cref="AbandonAfter"/>.
    /// </summary>
    public TimeSpan FileReadTimeout { get; set; } = TimeSpan.FromHours(1);
}
