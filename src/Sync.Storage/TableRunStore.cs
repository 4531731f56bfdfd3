using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// Run records, one partition per connection (row key = run id, which sorts newest first). While a run
/// executes, each of its tasks is a row of its own in the run-tasks table (partition = connection and run), so
/// files finishing in parallel report without contending for the run's row; the final record keeps the tasks in
/// the run's row as JSON, or in a blob when they outgrow a table property, and the task rows go. Deleting the
/// connection first writes a close mark <c>!closed</c> in its partition: it sorts before every run id, so a history
/// page meets it first, and a client's run read asks for it and the run in one query.
/// </summary>
public sealed class TableRunStore : IRunStore
{
    private const int MaxInlineChars = 30_000;
    private const int MaxBatch = 100;
    private const string ClosedKey = "!closed";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A run without its tasks (which may be most of its row's bytes), for summaries.
    private static readonly string[] SummaryColumns = ["PartitionKey", "RowKey", "Timestamp", "State", "Result", "StartDateTime", "EndDateTime", "Error", "ChangesetId", "ChangesetIndex", "Settings", "Trigger"];
    private readonly TableClient _table;
    private readonly TableClient _tasks;
    private readonly BlobContainerClient _blobs;
    private readonly SharedReads<(string ConnectionId, string RunId), Run?> _reads;
    private readonly SharedReads<(string ConnectionId, string RunId), Run?> _clientReads;
    private readonly SharedReads<(string ConnectionId, int Skip, int Top, bool WithTasks), RunPage> _pages;

    public TableRunStore(StorageAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        _table = account.Table(account.Names.RunsTable);
        _tasks = account.Table(account.Names.RunTasksTable);
        _blobs = account.Container(account.Names.SyncContainer);
        _reads = new((key, cancellationToken) => ReadAsync(key.ConnectionId, key.RunId, cancellationToken));
        _clientReads = new((key, cancellationToken) => ReadUnlessClosedAsync(key.ConnectionId, key.RunId, cancellationToken));
        _pages = new((key, cancellationToken) => ReadPageAsync(key.ConnectionId, key.Skip, key.Top, key.WithTasks, cancellationToken));
    }

    public async Task CreateAsync(Run run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await _table.AddEntityAsync(await ToRowAsync(run, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await AfterWriteAsync(run, previousTasks: null, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveAsync(Run run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        await _table.UpsertEntityAsync(await ToRowAsync(run, cancellationToken).ConfigureAwait(false), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        await AfterWriteAsync(run, previousTasks: null, cancellationToken).ConfigureAwait(false);
    }

    public async Task UpdateAsync(string connectionId, string runId, Func<Run, Run> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(connectionId, runId, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!row.HasValue || row.Value is null)
            {
                return;
            }

            var current = await FromRowAsync(row.Value, withTasks: true, cancellationToken).ConfigureAwait(false);
            var run = change(current);
            try
            {
                await _table.UpdateEntityAsync(await ToRowAsync(run, cancellationToken).ConfigureAwait(false), row.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another writer changed the run first: read again and re-apply.
                continue;
            }

            await AfterWriteAsync(run, current.Tasks, cancellationToken).ConfigureAwait(false);
            return;
        }
    }

    public async Task UpdateTaskAsync(string connectionId, string runId, string taskId, Func<RunTask, RunTask> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        while (true)
        {
            // A completed run has no task rows left: late reports (an activity that ran twice) change nothing.
            var row = await _tasks.GetEntityIfExistsAsync<TableEntity>(TasksPartition(connectionId, runId), taskId, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!row.HasValue || row.Value is null)
            {
                return;
            }

            var task = change(ReadTask(row.Value));
            try
            {
                await _tasks.UpdateEntityAsync(TaskRow(connectionId, runId, task, row.Value.GetInt32("Order") ?? 0), row.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // The same task reported twice at once (a repeated activity): read again and re-apply.
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return;
            }
        }

        try
        {
            // The run's sign of life is its row's timestamp: a blind merge moves it without contending with the
            // run's own conditional writes.
            var heartbeat = new TableEntity(connectionId, runId) { ["Alive"] = true };
            await _table.UpdateEntityAsync(heartbeat, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>Concurrent reads of one run (clients polling its status) share a round trip; see <see cref="SharedReads{TKey, TValue}"/>.</summary>
    public Task<Run?> GetAsync(string connectionId, string runId, CancellationToken cancellationToken) =>
        _reads.ReadAsync((connectionId, runId), cancellationToken);

    private async Task<Run?> ReadAsync(string connectionId, string runId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(connectionId, runId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? await FromRowAsync(row.Value, withTasks: true, cancellationToken).ConfigureAwait(false) : null;
    }

    /// <summary>Concurrent reads of one run by clients share a round trip; see <see cref="SharedReads{TKey, TValue}"/>.</summary>
    public Task<Run?> GetUnlessDeletedAsync(string connectionId, string runId, CancellationToken cancellationToken) =>
        _clientReads.ReadAsync((connectionId, runId), cancellationToken);

    private async Task<Run?> ReadUnlessClosedAsync(string connectionId, string runId, CancellationToken cancellationToken)
    {
        // Two row keys of one partition: Azure serves the range between them (the close mark sorts before every run).
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {connectionId} and (RowKey eq {ClosedKey} or RowKey eq {runId})");
        TableEntity? found = null;
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == ClosedKey)
            {
                throw new ConnectionDeletedException(connectionId);
            }

            found = row;
        }

        return found is null ? null : await FromRowAsync(found, withTasks: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task CloseAsync(string connectionId, CancellationToken cancellationToken) =>
        await _table.UpsertEntityAsync(new TableEntity(connectionId, ClosedKey), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

    public async Task<int> PurgeAsync(string connectionId, CancellationToken cancellationToken)
    {
        var mark = await _table.GetEntityIfExistsAsync<TableEntity>(connectionId, ClosedKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!mark.HasValue)
        {
            return 0;
        }

        var deletes = new PartitionRowDeletes(_table, connectionId);
        var tasksBlobs = new List<string>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {connectionId}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["RowKey", "State", "TasksBlob"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == ClosedKey || row.GetString("State") != RunStates.Completed)
            {
                continue;
            }

            if (row.GetString("TasksBlob") is { } blob)
            {
                tasksBlobs.Add(blob);
            }

            await deletes.AddAsync(row.RowKey, cancellationToken).ConfigureAwait(false);
        }

        int purged = await deletes.FlushAsync(cancellationToken).ConfigureAwait(false);

        // Task blobs after their rows: an interrupted purge may leave a blob, never a row whose tasks are gone.
        foreach (string blob in tasksBlobs)
        {
            await _blobs.DeleteBlobIfExistsAsync(blob, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return purged;
    }

    /// <summary>Concurrent reads of one page (clients polling a connection's history) share a query; see <see cref="SharedReads{TKey, TValue}"/>.</summary>
    public Task<RunPage> ListAsync(string connectionId, int skip, int top, bool withTasks, CancellationToken cancellationToken) =>
        _pages.ReadAsync((connectionId, skip, top, withTasks), cancellationToken);

    private async Task<RunPage> ReadPageAsync(string connectionId, int skip, int top, bool withTasks, CancellationToken cancellationToken)
    {
        var runs = new List<Run>();
        int index = 0;
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {connectionId}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: withTasks ? null : SummaryColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (row.RowKey == ClosedKey)
            {
                throw new ConnectionDeletedException(connectionId);
            }

            if (index++ < skip)
            {
                continue;
            }

            if (runs.Count == top)
            {
                return new RunPage(runs, More: true);
            }

            runs.Add(await FromRowAsync(row, withTasks, cancellationToken).ConfigureAwait(false));
        }

        return new RunPage(runs, More: false);
    }

    private static string TasksPartition(string connectionId, string runId) => $"{connectionId}|{runId}";

    /// <summary>The run's row; a completed run's tasks go in it (or in a blob), an active run's are rows of their own.</summary>
    private async Task<TableEntity> ToRowAsync(Run run, CancellationToken cancellationToken)
    {
        var row = new TableEntity(run.ConnectionId, run.Id)
        {
            ["State"] = run.State,
            ["Result"] = run.Result,
            ["StartDateTime"] = run.StartDateTime,
            ["EndDateTime"] = run.EndDateTime,
            ["Error"] = run.Error is null ? null : JsonSerializer.Serialize(run.Error, Json),
            ["ChangesetId"] = run.ChangesetId,
            ["ChangesetIndex"] = run.ChangesetIndex,
            ["Settings"] = run.ResolvedSettings is null ? null : JsonSerializer.Serialize(run.ResolvedSettings, Json),
            ["Trigger"] = run.Trigger,
        };
        if (run.IsActive)
        {
            return row;
        }

        string tasks = JsonSerializer.Serialize(run.Tasks, Json);
        if (tasks.Length <= MaxInlineChars)
        {
            row["Tasks"] = tasks;
        }
        else
        {
            string blob = $"runs/{run.ConnectionId}/{run.Id}.tasks.json";
            await _blobs.GetBlobClient(blob).UploadAsync(BinaryData.FromString(tasks), overwrite: true, cancellationToken).ConfigureAwait(false);
            row["TasksBlob"] = blob;
        }

        return row;
    }

    /// <summary>
    /// After the run's row is written: an active run's tasks that changed become rows; a completed run's task
    /// rows are deleted (its row now holds them).
    /// </summary>
    private async Task AfterWriteAsync(Run run, IReadOnlyList<RunTask>? previousTasks, CancellationToken cancellationToken)
    {
        string partition = TasksPartition(run.ConnectionId, run.Id);
        var actions = new List<TableTransactionAction>();
        if (run.IsActive)
        {
            var before = previousTasks?.ToDictionary(t => t.Id, StringComparer.Ordinal) ?? [];
            for (int i = 0; i < run.Tasks.Count; i++)
            {
                var task = run.Tasks[i];
                if (!before.TryGetValue(task.Id, out var old) || old != task)
                {
                    actions.Add(new(TableTransactionActionType.UpsertReplace, TaskRow(run.ConnectionId, run.Id, task, i)));
                }
            }
        }
        else
        {
            await foreach (var row in _tasks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                actions.Add(new(TableTransactionActionType.Delete, row, ETag.All));
            }
        }

        foreach (var batch in actions.Chunk(MaxBatch))
        {
            await _tasks.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    private static TableEntity TaskRow(string connectionId, string runId, RunTask task, int order) =>
        new(TasksPartition(connectionId, runId), task.Id) { ["Order"] = order, ["Task"] = JsonSerializer.Serialize(task, Json) };

    private static RunTask ReadTask(TableEntity row) =>
        JsonSerializer.Deserialize<RunTask>(row.GetString("Task"), Json) ?? throw new InvalidOperationException($"Task row '{row.RowKey}' is empty.");

    private async Task<IReadOnlyList<RunTask>> ReadTasksAsync(TableEntity row, CancellationToken cancellationToken)
    {
        if (row.GetString("Tasks") is { } inline)
        {
            return JsonSerializer.Deserialize<List<RunTask>>(inline, Json) ?? [];
        }

        if (row.GetString("TasksBlob") is { } blob)
        {
            var content = (await _blobs.GetBlobClient(blob).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            return JsonSerializer.Deserialize<List<RunTask>>(content.ToString(), Json) ?? [];
        }

        string partition = TasksPartition(row.PartitionKey, row.RowKey);
        var rows = new List<TableEntity>();
        await foreach (var taskRow in _tasks.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            rows.Add(taskRow);
        }

        return rows.OrderBy(r => r.GetInt32("Order") ?? 0).Select(ReadTask).ToList();
    }

    private async Task<Run> FromRowAsync(TableEntity row, bool withTasks, CancellationToken cancellationToken)
    {
        var tasks = withTasks ? await ReadTasksAsync(row, cancellationToken).ConfigureAwait(false) : [];
        return new Run(
            row.RowKey,
            row.PartitionKey,
            row.GetString("State"),
            row.GetString("Result"),
            row.GetDateTimeOffset("StartDateTime"),
            row.GetDateTimeOffset("EndDateTime"),
            row.GetString("Error") is { } error ? JsonSerializer.Deserialize<RunError>(error, Json) : null,
            tasks,
            row.GetString("ChangesetId"),
            row.GetInt32("ChangesetIndex"))
        {
            UpdatedDateTime = row.Timestamp,
            Trigger = row.GetString("Trigger") ?? RunTriggers.Manual,
            ResolvedSettings = row.GetString("Settings") is { } settings ? JsonSerializer.Deserialize<Dictionary<string, string>>(settings, Json) : null,
        };
    }
}
