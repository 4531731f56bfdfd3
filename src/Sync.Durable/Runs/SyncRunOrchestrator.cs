using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;

namespace Sync.Durable.Runs;

/// <summary>
/// One run of a connection: take the connection's run lock → resolve the files (one activity) → fan out one
/// <see cref="SynchronizeFileActivity"/> per file, at most <see cref="MaxParallelFiles"/> at a time, retrying only what threw (a transient fault;
/// unreadable files come back as results) → one <see cref="PushChangesetActivity"/> for everything staged →
/// <see cref="FinalizeRunActivity"/> → release the lock. Deterministic: no clocks, ids or I/O here.
/// </summary>
public sealed class SyncRunOrchestrator : TaskOrchestrator<RunInput, string>
{
    public const int MaxParallelFiles = 4;

    /// <summary>The external event that cancels a run: it then pushes nothing and ends Completed/Cancelled.</summary>
    public const string CancelEvent = "Cancel";

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(2), backoffCoefficient: 2));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, RunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var runLock = new EntityInstanceId(nameof(ConnectionRunLock), input.ConnectionId);
        if (!await context.Entities.CallEntityAsync<bool>(runLock, nameof(ConnectionRunLock.TryAcquire), input.RunId))
        {
            await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, [], null, "RunSchedulingConflict", "Another run of this connection is executing."), Retry);
            return "RunSchedulingConflict";
        }

        try
        {
            var results = new List<FileWorkResult>();
            PushOutput? push = null;
            var cancelled = context.WaitForExternalEvent<bool>(CancelEvent);
            try
            {
                var plan = await context.CallActivityAsync<RunPlan>(nameof(BeginRunActivity), input, Retry);
                // A sliding window: a new file starts as soon as any running one finishes.
                var pending = new Queue<FileWork>(plan.Files);
                var running = new List<Task<FileWorkResult>>();
                while (pending.Count > 0 || running.Count > 0)
                {
                    while (running.Count < MaxParallelFiles && pending.Count > 0)
                    {
                        running.Add(context.CallActivityAsync<FileWorkResult>(nameof(SynchronizeFileActivity), pending.Dequeue(), Retry));
                    }

                    var done = await Task.WhenAny([.. running, cancelled]);
                    if (done == cancelled)
                    {
                        // Staged work of a cancelled run is never pushed.
                        await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, null, null, null, Cancelled: true), Retry);
                        return "Cancelled";
                    }

                    var finished = (Task<FileWorkResult>)done;
                    running.Remove(finished);
                    results.Add(await finished);
                }

                var staged = results.Where(r => r.Staged is not null).Select(r => r.Staged!).ToList();
                if (staged.Count > 0)
                {
                    push = await context.CallActivityAsync<PushOutput>(nameof(PushChangesetActivity), new PushInput(input, staged), Retry);
                }
            }
            catch (TaskFailedException e)
            {
                await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, push, "RunOrchestrationError", e.FailureDetails.ErrorMessage), Retry);
                return "RunOrchestrationError";
            }

            await context.CallActivityAsync(nameof(FinalizeRunActivity), new FinalizeInput(input, results, push, null, null), Retry);
            return "Completed";
        }
        finally
        {
            await context.Entities.SignalEntityAsync(runLock, nameof(ConnectionRunLock.Release), input.RunId);
        }
    }
}
