using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Storage;

/// <summary>
/// Run records, one partition per connection (row key = run id, which sorts newest first). Task details go in
/// the row as JSON, or in a blob when they outgrow a table property (runs of many files).
/// </summary>
public sealed class TableRunStore(StorageAccount account) : IRunStore
{
    private const int MaxInlineChars = 30_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TableClient _table = account.Table(account.Names.RunsTable);
    private readonly BlobContainerClient _blobs = account.Container(account.Names.SyncContainer);

    public Task CreateAsync(Run run, CancellationToken cancellationToken) => WriteAsync(run, add: true, cancellationToken);

    public Task SaveAsync(Run run, CancellationToken cancellationToken) => WriteAsync(run, add: false, cancellationToken);

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

            var run = change(await FromRowAsync(row.Value, cancellationToken).ConfigureAwait(false));
            try
            {
                await WriteAsync(run, add: false, cancellationToken, row.Value.ETag).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another file of the run reported at the same time: read again and re-apply.
            }
        }
    }

    public async Task<Run?> GetAsync(string connectionId, string runId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(connectionId, runId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is not null ? await FromRowAsync(row.Value, cancellationToken).ConfigureAwait(false) : null;
    }

    public async Task<IReadOnlyList<Run>> ListAsync(string connectionId, int skip, int top, CancellationToken cancellationToken)
    {
        var runs = new List<Run>();
        int index = 0;
        await foreach (var row in _table.QueryAsync<TableEntity>(r => r.PartitionKey == connectionId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (index++ < skip)
            {
                continue;
            }

            runs.Add(await FromRowAsync(row, cancellationToken).ConfigureAwait(false));
            if (runs.Count == top)
            {
                break;
            }
        }

        return runs;
    }

    public async Task<int> CountAsync(string connectionId, CancellationToken cancellationToken)
    {
        int count = 0;
        await foreach (var _ in _table.QueryAsync<TableEntity>(r => r.PartitionKey == connectionId, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            count++;
        }

        return count;
    }

    private async Task WriteAsync(Run run, bool add, CancellationToken cancellationToken, ETag? ifMatch = null)
    {
        string tasks = JsonSerializer.Serialize(run.Tasks, Json);
        var row = new TableEntity(run.ConnectionId, run.Id)
        {
            ["State"] = run.State,
            ["Result"] = run.Result,
            ["StartDateTime"] = run.StartDateTime,
            ["EndDateTime"] = run.EndDateTime,
            ["Error"] = run.Error is null ? null : JsonSerializer.Serialize(run.Error, Json),
            ["FilesTotal"] = run.FilesTotal,
            ["FilesDone"] = run.FilesDone,
            ["ChangesetId"] = run.ChangesetId,
            ["ChangesetIndex"] = run.ChangesetIndex,
            ["Settings"] = run.ResolvedSettings is null ? null : JsonSerializer.Serialize(run.ResolvedSettings, Json),
        };
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

        if (add)
        {
            await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        else if (ifMatch is { } etag)
        {
            await _table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Run> FromRowAsync(TableEntity row, CancellationToken cancellationToken)
    {
        string tasks = row.GetString("Tasks")
            ?? (await _blobs.GetBlobClient(row.GetString("TasksBlob")).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
        return new Run(
            row.RowKey,
            row.PartitionKey,
            row.GetString("State"),
            row.GetString("Result"),
            row.GetDateTimeOffset("StartDateTime"),
            row.GetDateTimeOffset("EndDateTime"),
            row.GetString("Error") is { } error ? JsonSerializer.Deserialize<RunError>(error, Json) : null,
            JsonSerializer.Deserialize<List<RunTask>>(tasks, Json) ?? [],
            row.GetInt32("FilesTotal") ?? 0,
            row.GetInt32("FilesDone") ?? 0,
            row.GetString("ChangesetId"),
            row.GetInt32("ChangesetIndex"))
        {
            UpdatedDateTime = row.Timestamp,
            ResolvedSettings = row.GetString("Settings") is { } settings ? JsonSerializer.Deserialize<Dictionary<string, string>>(settings, Json) : null,
        };
    }
}
