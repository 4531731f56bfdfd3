using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Sync.Durable.Health;

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

    /// <summary>The context a class-based activity receives when called from a Functions activity trigger.</summary>
    private sealed class FunctionActivityContext(string name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
