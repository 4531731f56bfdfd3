using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;

namespace Sync.Durable.Health;

/// <summary>
/// A trivial orchestration that touches all three dispatchers (orchestration, activity, entity). A host is
/// healthy once one of these has completed: it proves the worker really executes work on its backend.
/// </summary>
public sealed class HealthProbeOrchestrator : TaskOrchestrator<HealthProbeInput, HealthProbeResult>
{
    public override async Task<HealthProbeResult> RunAsync(TaskOrchestrationContext context, HealthProbeInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        string echo = await context.CallActivityAsync<string>(nameof(HealthEchoActivity), input.Nonce);
        int count = await context.Entities.CallEntityAsync<int>(
            new EntityInstanceId(nameof(HealthProbeCounter), input.HostId), nameof(HealthProbeCounter.Increment));
        return new HealthProbeResult(echo, count);
    }
}

public sealed class HealthEchoActivity : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input);
}

/// <summary>Counts the probes a host has run; its key is the host id.</summary>
public sealed class HealthProbeCounter : TaskEntity<int>
{
    public int Increment() => ++State;
}

public sealed record HealthProbeInput(string Nonce, string HostId);

public sealed record HealthProbeResult(string Echo, int ProbeCount);

/// <param name="Succeeded">The orchestration completed and echoed the nonce back.</param>
public sealed record HealthProbeReport(string InstanceId, bool Succeeded, int? ProbeCount, double ElapsedMilliseconds, DateTimeOffset CompletedAt, string? Error);
