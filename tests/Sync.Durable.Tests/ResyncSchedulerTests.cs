using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.Extensions.Time.Testing;
using Sync.Durable.Resync;
using Sync.Durable.Runs;
using Sync.Engine.Model;

namespace Sync.Durable.Tests;

/// <summary>
/// The scheduler's decisions, operation by operation, with its state carried between operations as the durable
/// runtime carries it (JSON) and a fake clock: what it arms, what it starts, and when it forgets.
/// </summary>
[TestClass]
public sealed class ResyncSchedulerTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly Guid _iTwin = Guid.NewGuid();
    private readonly Guid _iModel = Guid.NewGuid();
    private string? _state;

    [TestMethod]
    public async Task A_burst_of_changes_arms_one_timer_and_starts_one_automatic_run_after_the_last_change_is_quiet()
    {
        var armed = new List<ResyncTimer>();
        for (int i = 0; i < 10; i++)
        {
            armed.AddRange((await SendAsync(nameof(ResyncScheduler.Changed), Change())).Timers);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.HasCount(1, armed, "one timer for the whole burst");
        Assert.AreEqual(_clock.GetUtcNow() - TimeSpan.FromSeconds(10) + Quiet, armed[0].At);

        // The timer goes off 10 s after the first change: the quiet period since the last one is not over yet.
        _clock.Advance(TimeSpan.FromSeconds(0.5));
        var early = await SendAsync(nameof(ResyncScheduler.Due));
        Assert.IsEmpty(early.Runs);
        Assert.HasCount(1, early.Timers, "re-armed for the rest of the quiet period");

        _clock.SetUtcNow(early.Timers[0].At);
        var due = await SendAsync(nameof(ResyncScheduler.Due));
        Assert.HasCount(1, due.Runs);
        Assert.AreEqual(RunTriggers.Automatic, due.Runs[0].Trigger);
        Assert.AreEqual((_iTwin, _iModel), (due.Runs[0].ITwinId, due.Runs[0].IModelId));

        // Its end leaves nothing to do, and the scheduler forgets the connection.
        var ended = await SendAsync(nameof(ResyncScheduler.RunEnded), due.Runs[0].RunId);
        Assert.IsEmpty(ended.Runs);
        Assert.IsNull(_state, "an idle scheduler keeps no state");
    }

    [TestMethod]
    public async Task Changes_during_a_run_start_exactly_one_follow_up_when_it_ends()
    {
        await SendAsync(nameof(ResyncScheduler.Changed), Change());
        _clock.Advance(Quiet);
        var run = (await SendAsync(nameof(ResyncScheduler.Due))).Runs.Single();

        _clock.Advance(TimeSpan.FromSeconds(1));
        await SendAsync(nameof(ResyncScheduler.Changed), Change());
        _clock.Advance(TimeSpan.FromSeconds(1));
        await SendAsync(nameof(ResyncScheduler.Changed), Change());
        _clock.Advance(Quiet);
        var whileRunning = await SendAsync(nameof(ResyncScheduler.Due));
        Assert.IsEmpty(whileRunning.Runs, "the automatic run it started is still going");

        var ended = await SendAsync(nameof(ResyncScheduler.RunEnded), run.RunId);
        Assert.HasCount(1, ended.Runs, "one follow-up for both changes");
        var again = await SendAsync(nameof(ResyncScheduler.RunEnded), run.RunId);
        Assert.IsEmpty(again.Runs, "a repeated end starts nothing more");
    }

    [TestMethod]
    public async Task A_manual_run_started_after_the_last_change_covers_it()
    {
        await SendAsync(nameof(ResyncScheduler.Changed), Change());
        _clock.Advance(TimeSpan.FromSeconds(2));
        string manual = Run.NewId(_clock.GetUtcNow());
        _clock.Advance(Quiet);

        var ended = await SendAsync(nameof(ResyncScheduler.RunEnded), manual);
        Assert.IsEmpty(ended.Runs);
        Assert.IsEmpty((await SendAsync(nameof(ResyncScheduler.Due))).Runs, "the pending change was read by the manual run");
    }

    [TestMethod]
    public async Task A_busy_connection_is_waited_for_and_checked_again_and_a_declined_run_drops_the_changes()
    {
        await SendAsync(nameof(ResyncScheduler.Changed), Change());
        _clock.Advance(Quiet);
        var run = (await SendAsync(nameof(ResyncScheduler.Due))).Runs.Single();

        // Another (manual) run began before the change and holds the connection.
        var busy = await SendAsync(nameof(ResyncScheduler.Busy), run.RunId);
        Assert.AreEqual(_clock.GetUtcNow() + ResyncScheduler.BusyRecheck, busy.Timers.Single().At);
        string older = Run.NewId(_clock.GetUtcNow() - TimeSpan.FromMinutes(5));
        var retried = (await SendAsync(nameof(ResyncScheduler.RunEnded), older)).Runs.Single();

        var declined = await SendAsync(nameof(ResyncScheduler.Declined), retried.RunId);
        Assert.IsEmpty(declined.Runs);
        _clock.Advance(ResyncScheduler.BusyRecheck);
        Assert.IsEmpty((await SendAsync(nameof(ResyncScheduler.Due))).Runs, "autoSync off or the connection gone: nothing is retried");
    }

    private ResyncChange Change() => new(_iTwin, _iModel, "file-1", _clock.GetUtcNow(), Quiet);

    private async Task<Effects> SendAsync(string operation, object? input = null)
    {
        var context = new RecordingContext();
        var entityOperation = new Operation(operation, input, context, new State(_state));
        await new ResyncScheduler(_clock).RunAsync(entityOperation);
        _state = ((State)entityOperation.State).Json;
        return new Effects(
            context.Started.Where(s => s.Name == nameof(ResyncTimerOrchestrator)).Select(s => (ResyncTimer)s.Input!).ToList(),
            context.Started.Where(s => s.Name == nameof(SyncRunOrchestrator)).Select(s => (RunInput)s.Input!).ToList());
    }

    private sealed record Effects(List<ResyncTimer> Timers, List<RunInput> Runs);

    private sealed class Operation(string name, object? input, TaskEntityContext context, TaskEntityState state) : TaskEntityOperation
    {
        public override string Name { get; } = name;

        public override TaskEntityContext Context { get; } = context;

        public override TaskEntityState State { get; } = state;

        public override bool HasInput => input is not null;

        public override object? GetInput(Type inputType) => input;
    }

    private sealed class RecordingContext : TaskEntityContext
    {
        public List<(string Name, object? Input)> Started { get; } = [];

        public override EntityInstanceId Id { get; } = new(nameof(ResyncScheduler), "connection-1");

        public override void SignalEntity(EntityInstanceId id, string operationName, object? input = null, SignalEntityOptions? options = null) =>
            throw new AssertFailedException("the scheduler uses durable timers, not scheduled signals");

        public override string ScheduleNewOrchestration(TaskName name, object? input = null, StartOrchestrationOptions? options = null)
        {
            Started.Add((name.Name, input));
            return options?.InstanceId ?? Guid.NewGuid().ToString("N");
        }
    }

    /// <summary>Entity state as the runtime keeps it: JSON between operations, null when deleted.</summary>
    private sealed class State(string? json) : TaskEntityState
    {
        public string? Json { get; private set; } = json;

        public override bool HasState => Json is not null;

        public override object? GetState(Type type) => Json is null ? null : JsonSerializer.Deserialize(Json, type);

        public override void SetState(object? state) => Json = state is null ? null : JsonSerializer.Serialize(state);
    }
}
