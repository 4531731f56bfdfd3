using Sync.Durable.Configuration;
using Sync.Durable.Health;
using Sync.Durable.Resync;
using Sync.Durable.Runs;

namespace Sync.Durable;

/// <summary>
/// Every class-based task of the service, by name. Both hosts register exactly these: the local host through
/// DurableTaskShimFactory, the Functions app through its hand-written trigger wrappers.
/// </summary>
public static class DurableTasks
{
    public static readonly IReadOnlyList<Type> Orchestrators = [typeof(HealthProbeOrchestrator), typeof(SyncRunOrchestrator), typeof(ConfigurationOrchestrator), typeof(ResyncTimerOrchestrator)];

    public static readonly IReadOnlyList<Type> Activities =
        [typeof(HealthEchoActivity), typeof(BeginRunActivity), typeof(SynchronizeFileActivity), typeof(SynchronizeFilesActivity), typeof(PushChangesetActivity), typeof(FinalizeRunActivity), typeof(RunEndedActivity), typeof(ClaimAutomaticRunActivity), typeof(AuthorizeRunActivity)];

    public static readonly IReadOnlyList<Type> Entities = [typeof(HealthProbeCounter), typeof(ConnectionRunLock), typeof(ConfigurationScope), typeof(ResyncScheduler)];
}
