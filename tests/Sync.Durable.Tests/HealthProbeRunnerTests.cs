using System.Text.Json;
using Sync.Durable.Health;

namespace Sync.Durable.Tests;

[TestClass]
public sealed class HealthProbeRunnerTests
{
    [TestMethod]
    public async Task A_probe_succeeds_when_the_orchestration_echoes_its_nonce()
    {
        var gateway = new ScriptedGateway(input => new OrchestrationOutcome("x", OrchestrationEndState.Completed, JsonSerializer.Serialize(new { echo = input.Nonce, probeCount = 3 }), null));
        var report = await HealthProbeRunner.RunAsync(gateway, "host-1", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.IsTrue(report.Succeeded, report.Error);
        Assert.AreEqual(3, report.ProbeCount);
        Assert.AreEqual(nameof(HealthProbeOrchestrator), gateway.StartedName);
        Assert.AreEqual("host-1", gateway.StartedInput!.HostId);
        StringAssert.StartsWith(report.InstanceId, "health-host-1-");
    }

    [TestMethod]
    public async Task A_wrong_echo_or_a_failed_orchestration_is_a_failed_probe()
    {
        var wrong = new ScriptedGateway(_ => new OrchestrationOutcome("x", OrchestrationEndState.Completed, "{\"Echo\":\"other\",\"ProbeCount\":1}", null));
        Assert.IsFalse((await HealthProbeRunner.RunAsync(wrong, "h", TimeSpan.FromSeconds(5), CancellationToken.None)).Succeeded);

        var failed = new ScriptedGateway(_ => new OrchestrationOutcome("x", OrchestrationEndState.Failed, null, "boom"));
        var report = await HealthProbeRunner.RunAsync(failed, "h", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.IsFalse(report.Succeeded);
        StringAssert.Contains(report.Error, "boom");
    }

    [TestMethod]
    public async Task A_probe_that_never_completes_times_out_with_a_clear_error()
    {
        var hanging = new ScriptedGateway(null);
        var report = await HealthProbeRunner.RunAsync(hanging, "h", TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.IsFalse(report.Succeeded);
        StringAssert.Contains(report.Error, "did not complete");
    }

    /// <summary>Answers a started orchestration with a scripted outcome, or never (null script).</summary>
    private sealed class ScriptedGateway(Func<HealthProbeInput, OrchestrationOutcome>? script) : IDurableGateway
    {
        public Task SignalEntityAsync(string entityName, string entityKey, string operationName, object? input, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public string? StartedName { get; private set; }

        public HealthProbeInput? StartedInput { get; private set; }

        public Task<string> StartAsync(string orchestratorName, string instanceId, object? input, CancellationToken cancellationToken)
        {
            StartedName = orchestratorName;
            StartedInput = (HealthProbeInput)input!;
            return Task.FromResult(instanceId);
        }

        public async Task<OrchestrationOutcome> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken)
        {
            if (script is null)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return script!(StartedInput!);
        }

        public Task<DurableHealth> GetHealthAsync(bool probeNow, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RaiseEventAsync(string instanceId, string eventName, object? payload, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
