using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Sync.Durable.Runs;
using Sync.Engine.Model;

namespace Sync.Durable.Resync;

/// <summary>
/// Automatic resync of one storage connection (the entity key): turns a burst of file changes into one run.
/// Each change restarts a quiet period; when it ends without another change, an automatic run starts. While any
/// run of the connection executes, changes wait, and exactly one follow-up run starts when it ends — unless that
/// run was itself started after the last change, which it has then already read. An idle scheduler keeps no state.
/// </summary>
/// <remarks>
/// The automatic run decides the rest itself (see <see cref="SyncRunOrchestrator"/>): it declines when the
/// connection is gone or its <c>autoSync</c> setting is off, and reports back when another run holds the connection.
/// </remarks>
public sealed class ResyncScheduler(TimeProvider clock) : TaskEntity<ResyncScheduler.SchedulerState?>
{
    /// <summary>How often a change waiting for another run checks again, should that run's end never be reported.</summary>
    public static readonly TimeSpan BusyRecheck = TimeSpan.FromMinutes(1);

    /// <summary>An automatic run that has not reported back after this long is not waited for any more.</summary>
    public static readonly TimeSpan StartingExpiry = TimeSpan.FromMinutes(10);

    /// <summary>A timer may be delivered this much before its time and still count.</summary>
    private static readonly TimeSpan TimerTolerance = TimeSpan.FromMilliseconds(100);

    private DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>A file the connection maps has a new version.</summary>
    public void Changed(ResyncChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var state = State ?? new SchedulerState();
        state.Pending = true;
        state.LastChange = change.ChangedAt > state.LastChange ? change.ChangedAt : state.LastChange;
        state.DueAt = Now + change.QuietPeriod;
        state.ITwinId = change.ITwinId;
        state.IModelId = change.IModelId;
        State = state;
        ArmTimer(state, state.DueAt);
    }

    /// <summary>The timer went off: start the run if the quiet period is over, else wait for the rest of it.</summary>
    public void Due()
    {
        if (State is { } state)
        {
            state.TimerAt = null;
            if (state.Pending && Now < state.DueAt - TimerTolerance)
            {
                // Changes came in while the timer ran: the quiet period starts from the last one.
                ArmTimer(state, state.DueAt);
            }
            else
            {
                StartIfDue(state);
            }
        }

        ForgetIfIdle();
    }

    /// <summary>A run of the connection ended (every run reports this, manual ones too).</summary>
    public void RunEnded(string runId)
    {
        if (State is { } state)
        {
            if (state.Starting == runId)
            {
                state.Starting = null;
            }

            if (state.Pending && Run.CreatedAt(runId) is { } created && created > state.LastChange)
            {
                // That run began after the last change and read it: nothing is left to do.
                state.Pending = false;
            }

            if (Now >= state.DueAt - TimerTolerance)
            {
                StartIfDue(state);
            }
        }

        ForgetIfIdle();
    }

    /// <summary>The automatic run found another run holding the connection: wait for that one's end (or check again later).</summary>
    public void Busy(string runId)
    {
        if (State is { } state && state.Starting == runId)
        {
            state.Starting = null;
            state.Pending = true;
            ArmTimer(state, Now + BusyRecheck);
        }
    }

    /// <summary>The automatic run did not run (connection gone, <c>autoSync</c> off): the changes it covered are dropped.</summary>
    public void Declined(string runId)
    {
        if (State is { } state && state.Starting == runId)
        {
            state.Starting = null;
        }

        ForgetIfIdle();
    }

    public SchedulerState? Get() => State;

    /// <summary>An idle scheduler has no state (rather than an empty one), so it leaves nothing behind.</summary>
    protected override SchedulerState? InitializeState(TaskEntityOperation entityOperation) => null;

    /// <summary>At most one timer runs per scheduler (a durable timer, not a polling loop): a later change re-arms it when it fires.</summary>
    private void ArmTimer(SchedulerState state, DateTimeOffset at)
    {
        if (state.TimerAt is { } armed && armed <= at)
        {
            return;
        }

        state.TimerAt = at;
        Context.ScheduleNewOrchestration(nameof(ResyncTimerOrchestrator), new ResyncTimer(Context.Id.Key, at));
    }

    private void StartIfDue(SchedulerState state)
    {
        if (state.Starting is not null && Now - state.StartingSince < StartingExpiry)
        {
            return;
        }

        if (!state.Pending)
        {
            return;
        }

        string runId = Run.NewId(Now);
        var input = new RunInput(runId, Context.Id.Key, state.ITwinId, state.IModelId) { Trigger = RunTriggers.Automatic };
        Context.ScheduleNewOrchestration(nameof(SyncRunOrchestrator), input, new StartOrchestrationOptions(runId));
        state.Pending = false;
        state.Starting = runId;
        state.StartingSince = Now;
    }

    private void ForgetIfIdle()
    {
        if (State is { Pending: false, Starting: null, TimerAt: null })
        {
            State = null;
        }
    }

    public sealed class SchedulerState
    {
        /// <summary>A change no run has read yet.</summary>
        public bool Pending { get; set; }

        public DateTimeOffset LastChange { get; set; }

        /// <summary>When the latest quiet period ends.</summary>
        public DateTimeOffset DueAt { get; set; }

        /// <summary>When the timer in flight goes off, if one is.</summary>
        public DateTimeOffset? TimerAt { get; set; }

        /// <summary>The automatic run this scheduler started and has not heard back from.</summary>
        public string? Starting { get; set; }

        public DateTimeOffset StartingSince { get; set; }

        public Guid ITwinId { get; set; }

        public Guid IModelId { get; set; }
    }
}

/// <param name="StorageFileId">The file that changed (for the log; the run reads every file of the connection).</param>
/// <param name="ChangedAt">When the new version was stored: a run created after it reads it.</param>
public sealed record ResyncChange(Guid ITwinId, Guid IModelId, string StorageFileId, DateTimeOffset ChangedAt, TimeSpan QuietPeriod);

/// <summary>A scheduler's timer: when it goes off, the scheduler (entity key <paramref name="ConnectionId"/>) gets <see cref="ResyncScheduler.Due"/>.</summary>
public sealed record ResyncTimer(string ConnectionId, DateTimeOffset At);

/// <summary>The durable timer of a <see cref="ResyncScheduler"/> (entities have no timers of their own that do not poll).</summary>
public sealed class ResyncTimerOrchestrator : TaskOrchestrator<ResyncTimer, bool>
{
    public override async Task<bool> RunAsync(TaskOrchestrationContext context, ResyncTimer input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (input.At.UtcDateTime > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.At.UtcDateTime, CancellationToken.None);
        }

        await context.Entities.SignalEntityAsync(new EntityInstanceId(nameof(ResyncScheduler), input.ConnectionId), nameof(ResyncScheduler.Due));
        return true;
    }
}
