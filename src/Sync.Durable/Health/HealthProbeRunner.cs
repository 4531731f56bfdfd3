using System.Diagnostics;
using System.Text.Json;

namespace Sync.Durable.Health;

/// <summary>Runs one <see cref="HealthProbeOrchestrator"/> through a gateway and reports what happened.</summary>
public static class HealthProbeRunner
{
    // Hosts serialize outputs with different naming policies; read either.
    private static readonly JsonSerializerOptions OutputOptions = new() { PropertyNameCaseInsensitive = true };

    public static async Task<HealthProbeReport> RunAsync(IDurableGateway gateway, string hostId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        string nonce = Guid.NewGuid().ToString("N");
        string instanceId = $"health-{hostId}-{nonce}";
        var clock = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await gateway.StartAsync(nameof(HealthProbeOrchestrator), instanceId, new HealthProbeInput(nonce, hostId), cts.Token).ConfigureAwait(false);
            var outcome = await gateway.WaitForCompletionAsync(instanceId, cts.Token).ConfigureAwait(false);
            if (outcome.State != OrchestrationEndState.Completed || outcome.OutputJson is null)
            {
                return Report(false, null, $"The probe orchestration ended {outcome.State}: {outcome.FailureMessage}");
            }

            var result = JsonSerializer.Deserialize<HealthProbeResult>(outcome.OutputJson, OutputOptions);
            return result?.Echo == nonce
                ? Report(true, result.ProbeCount, null)
                : Report(false, null, "The probe orchestration returned an unexpected result.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Report(false, null, $"The probe orchestration did not complete within {timeout.TotalSeconds:0} s.");
        }

        HealthProbeReport Report(bool ok, int? count, string? error) =>
            new(instanceId, ok, count, clock.Elapsed.TotalMilliseconds, DateTimeOffset.UtcNow, error);
    }
}
