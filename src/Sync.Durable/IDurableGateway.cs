using Sync.Durable.Health;

namespace Sync.Durable;

/// <summary>
/// The one seam between HTTP code and the durable runtime. The Functions host implements it over
/// DurableTaskClient; the local host over DurableTask.Core's TaskHubClient. HTTP handlers never see either.
/// </summary>
public interface IDurableGateway
{
    /// <summary>Starts an orchestration; returns its instance id.</summary>
    Task<string> StartAsync(string orchestratorName, string instanceId, object? input, CancellationToken cancellationToken);

    /// <summary>Sends an external event to a running orchestration.</summary>
    Task RaiseEventAsync(string instanceId, string eventName, object? payload, CancellationToken cancellationToken);

    /// <summary>Sends a one-way operation to an entity (created on first use).</summary>
    Task SignalEntityAsync(string entityName, string entityKey, string operationName, object? input, CancellationToken cancellationToken);

    /// <summary>Waits until an orchestration ends (or the token fires) and returns its final state.</summary>
    Task<OrchestrationOutcome> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Health of the durable runtime as this host sees it: worker state and the last probe orchestration.
    /// <paramref name="probeNow"/> runs a fresh probe first (one at a time) instead of reporting the last one.
    /// </summary>
    Task<DurableHealth> GetHealthAsync(bool probeNow, CancellationToken cancellationToken);
}

public enum OrchestrationEndState
{
    Completed,
    Failed,
    Terminated,
    NotFound,
    Other,
}

/// <param name="OutputJson">The orchestration's output, serialized as JSON, when it completed.</param>
public sealed record OrchestrationOutcome(string InstanceId, OrchestrationEndState State, string? OutputJson, string? FailureMessage);

/// <param name="WorkerState">What the durable worker is doing (Starting, Running, Stopped, Failed).</param>
/// <param name="LastProbe">The most recent end-to-end probe (an orchestration calling an activity and an entity).</param>
public sealed record DurableHealth(bool Ready, string WorkerState, HealthProbeReport? LastProbe);
