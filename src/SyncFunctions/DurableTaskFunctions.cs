using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.DependencyInjection;
using Sync.Durable.Configuration;
using Sync.Durable.Health;
using Sync.Durable.Resync;
using Sync.Durable.Runs;
using Sync.Engine.Model;
using Sync.Engine.Runs;

namespace SyncFunctions;

/// <summary>
/// Trigger wrappers for the class-based tasks of Sync.Durable (the source generator that would write these is
/// not available). One per entry of <see cref="Sync.Durable.DurableTasks"/>; a test checks none is missing.
/// </summary>
public static class DurableTaskFunctions
{
    [Function(nameof(HealthProbeOrchestrator))]
    public static Task<HealthProbeResult> HealthProbeOrchestration([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new HealthProbeOrchestrator().RunAsync(context, context.GetInput<HealthProbeInput>()!);
    }

    [Function(nameof(HealthEchoActivity))]
    public static Task<string> HealthEcho([ActivityTrigger] string input, FunctionContext functionContext)
    {
        ArgumentNullException.ThrowIfNull(functionContext);
        return new HealthEchoActivity().RunAsync(new FunctionActivityContext(nameof(HealthEchoActivity), functionContext.InvocationId), input);
    }

    [Function(nameof(HealthProbeCounter))]
    public static Task HealthProbeCounterEntity([EntityTrigger] TaskEntityDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        return dispatcher.DispatchAsync<HealthProbeCounter>();
    }

    [Function(nameof(SyncRunOrchestrator))]
    public static Task<string> SyncRunOrchestration([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SyncRunOrchestrator().RunAsync(context, context.GetInput<RunInput>()!);
    }

    [Function(nameof(BeginRunActivity))]
    public static Task<RunPlan> BeginRun([ActivityTrigger] BeginRunInput input, FunctionContext functionContext) =>
        Activity<BeginRunActivity>(functionContext).RunAsync(Context(nameof(BeginRunActivity), functionContext), input);

    [Function(nameof(SynchronizeFileActivity))]
    public static Task<FileWorkResult> SynchronizeFile([ActivityTrigger] FileWork input, FunctionContext functionContext) =>
        Activity<SynchronizeFileActivity>(functionContext).RunAsync(Context(nameof(SynchronizeFileActivity), functionContext), input);

    [Function(nameof(SynchronizeFilesActivity))]
    public static Task<IReadOnlyList<FileWorkResult?>> SynchronizeFiles([ActivityTrigger] IReadOnlyList<FileWork> input, FunctionContext functionContext) =>
        Activity<SynchronizeFilesActivity>(functionContext).RunAsync(Context(nameof(SynchronizeFilesActivity), functionContext), input);

    [Function(nameof(PushChangesetActivity))]
    public static Task<PushOutput> PushChangeset([ActivityTrigger] PushInput input, FunctionContext functionContext) =>
        Activity<PushChangesetActivity>(functionContext).RunAsync(Context(nameof(PushChangesetActivity), functionContext), input);

    [Function(nameof(FinalizeRunActivity))]
    public static Task<string> FinalizeRun([ActivityTrigger] FinalizeInput input, FunctionContext functionContext) =>
        Activity<FinalizeRunActivity>(functionContext).RunAsync(Context(nameof(FinalizeRunActivity), functionContext), input);

    [Function(nameof(RunEndedActivity))]
    public static Task<bool> RunEnded([ActivityTrigger] RunReference input, FunctionContext functionContext) =>
        Activity<RunEndedActivity>(functionContext).RunAsync(Context(nameof(RunEndedActivity), functionContext), input);

    [Function(nameof(AuthorizeRunActivity))]
    public static Task<RunError?> AuthorizeRun([ActivityTrigger] RunInput input, FunctionContext functionContext) =>
        Activity<AuthorizeRunActivity>(functionContext).RunAsync(Context(nameof(AuthorizeRunActivity), functionContext), input);

    [Function(nameof(ClaimAutomaticRunActivity))]
    public static Task<RunClaim> ClaimAutomaticRun([ActivityTrigger] RunInput input, FunctionContext functionContext) =>
        Activity<ClaimAutomaticRunActivity>(functionContext).RunAsync(Context(nameof(ClaimAutomaticRunActivity), functionContext), input);

    [Function(nameof(ResyncTimerOrchestrator))]
    public static Task<bool> ResyncTimerOrchestration([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ResyncTimerOrchestrator().RunAsync(context, context.GetInput<ResyncTimer>()!);
    }

    [Function(nameof(ResyncScheduler))]
    public static Task ResyncSchedulerEntity([EntityTrigger] TaskEntityDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        return dispatcher.DispatchAsync<ResyncScheduler>();
    }

    [Function(nameof(ConnectionRunLock))]
    public static Task ConnectionRunLockEntity([EntityTrigger] TaskEntityDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        return dispatcher.DispatchAsync<ConnectionRunLock>();
    }

    [Function(nameof(ConfigurationOrchestrator))]
    public static Task<ConfigurationResult> ConfigurationOrchestration([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new ConfigurationOrchestrator().RunAsync(context, context.GetInput<ConfigurationRequest>()!);
    }

    [Function(nameof(ConfigurationScope))]
    public static Task ConfigurationScopeEntity([EntityTrigger] TaskEntityDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        return dispatcher.DispatchAsync<ConfigurationScope>();
    }

    private static T Activity<T>(FunctionContext functionContext)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(functionContext);
        return ActivatorUtilities.GetServiceOrCreateInstance<T>(functionContext.InstanceServices);
    }

    private static FunctionActivityContext Context(string name, FunctionContext functionContext) => new(name, functionContext.InvocationId);

    /// <summary>The context a class-based activity receives when called from a Functions activity trigger.</summary>
    private sealed class FunctionActivityContext(string name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
