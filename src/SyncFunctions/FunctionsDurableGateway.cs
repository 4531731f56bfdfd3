using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Entities;
using Sync.Durable;
using Sync.Durable.Health;

namespace SyncFunctions;

/// <summary>
/// The durable client of the current invocation. Isolated Functions hand out a DurableTaskClient only as a
/// [DurableClient] binding parameter, so each HTTP function that needs one puts it here before dispatching.
/// </summary>
internal sealed class DurableClientHolder
{
    public DurableTaskClient? Client { get; set; }
}

/// <summary>The last probe result of this worker process, shared by invocations.</summary>
internal sealed class DurableProbeCache
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public HealthProbeReport? Last { get; set; }
}

/// <summary><see cref="IDurableGateway"/> over the Functions Durable Task extension's client.</summary>
internal sealed class FunctionsDurableGateway(DurableClientHolder holder, DurableProbeCache probes) : IDurableGateway
{
    private DurableTaskClient Client => holder.Client
        ?? throw new InvalidOperationException("This function has no [DurableClient] binding; add one and set DurableClientHolder.Client.");

    public Task<string> StartAsync(string orchestratorName, string instanceId, object? input, CancellationToken cancellationToken) =>
        Client.ScheduleNewOrchestrationInstanceAsync(orchestratorName, input, new StartOrchestrationOptions(instanceId), cancellationToken);

    public Task RaiseEventAsync(string instanceId, string eventName, object? payload, CancellationToken cancellationToken) =>
        Client.RaiseEventAsync(instanceId, eventName, payload, cancellationToken);

    public Task SignalEntityAsync(string entityName, string entityKey, string operationName, object? input, CancellationToken cancellationToken) =>
        Client.Entities.SignalEntityAsync(new EntityInstanceId(entityName, entityKey), operationName, input, options: null, cancellationToken);

    public async Task<OrchestrationOutcome> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken)
    {
        var metadata = await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        return metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Completed => new(instanceId, OrchestrationEndState.Completed, metadata.SerializedOutput, null),
            OrchestrationRuntimeStatus.Failed => new(instanceId, OrchestrationEndState.Failed, null, metadata.FailureDetails?.ErrorMessage),
            OrchestrationRuntimeStatus.Terminated => new(instanceId, OrchestrationEndState.Terminated, null, metadata.SerializedOutput),
            _ => new(instanceId, OrchestrationEndState.Other, null, metadata.RuntimeStatus.ToString()),
        };
    }

    /// <summary>The Functions host runs the worker; it is ready when a probe orchestration completes (cached for a minute).</summary>
    public async Task<DurableHealth> GetHealthAsync(bool probeNow, CancellationToken cancellationToken)
    {
        await probes.Gate.WaitAsync(cancellationToken);
        try
        {
            var last = probes.Last;
            if (probeNow || last is null || !last.Succeeded || DateTimeOffset.UtcNow - last.CompletedAt > DurableProbeCache.Freshness)
            {
                last = probes.Last = await HealthProbeRunner.RunAsync(this, $"functions-{Environment.MachineName}".ToLowerInvariant(), TimeSpan.FromSeconds(30), cancellationToken);
            }

            return new DurableHealth(last.Succeeded, "Hosted", last);
        }
        finally
        {
            probes.Gate.Release();
        }
    }
}
