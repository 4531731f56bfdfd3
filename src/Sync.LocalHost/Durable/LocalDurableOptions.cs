namespace Sync.LocalHost.Durable;

/// <summary>Settings of the embedded durable runtime (DurableTask.Core over Azure Storage queues/tables/blobs).</summary>
public sealed class LocalDurableOptions
{
    public const string Section = "Durable";

    /// <summary>Letters and digits, 3–45 characters; one task hub per deployment (tests use their own).</summary>
    public string TaskHubName { get; set; } = "SyncLocal";

    public int PartitionCount { get; set; } = 2;

    public int MaxConcurrentActivities { get; set; } = 4;

    /// <summary>
    /// How long a dequeued message stays invisible. The default of 5 minutes would make a run resumed after a
    /// crash wait that long for the messages the dead process had taken.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(15);

    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
