using System.Net;
using System.Text.Json.Nodes;
using Sync.Durable;
using Sync.Durable.Runs;
using Sync.Engine.Model;
using Sync.Engine.Runs;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>Runs of storage and manifest connections: start one, list the history (newest first), get one.</summary>
public sealed class RunsApi(IConnectionStore connections, IRunStore runs, IDurableGateway durable, AbandonedRuns abandoned, RunClaims claims)
{
    /// <summary>
    /// 202 with the new run's Location, or 303 with the active run's Location when one is active. The connection's
    /// active-run field is set by one conditional write, so simultaneous requests never start two runs.
    /// </summary>
    public async Task<ApiResult> StartStorageRunAsync(ApiRequest request) =>
        await StartAsync(request, await FindAsync(request, ConnectionKind.Storage), manifest: null);

    /// <summary>A manifest run: the body names the connection's files to synchronize (with fresh URLs) or unmap.</summary>
    public async Task<ApiResult> StartManifestRunAsync(ApiRequest request)
    {
        var connection = await FindAsync(request, ConnectionKind.Manifest);
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidManifestConnectionRequest, request.Aborted);
        var registered = (await connections.ListSourceFilesAsync(connection.Id, request.Aborted)).ToDictionary(f => f.ExternalId, StringComparer.Ordinal);
        var manifest = ManifestReader.Read(body, registered);
        body.ThrowIfInvalid("The manifest is malformed.");
        return await StartAsync(request, connection, manifest);
    }

    private async Task<ApiResult> StartAsync(ApiRequest request, Connection connection, IReadOnlyList<ManifestFile>? manifest)
    {
        var claim = await claims.ClaimAsync(connection, RunTriggers.Manual, runId: null, request.Aborted);
        switch (claim.Outcome)
        {
            case RunClaimOutcome.ConnectionGone:
                throw NotFound(connection.Id);
            case RunClaimOutcome.Contended:
                throw ApiException.Conflict("IModelAlreadyProcessingRequest", "The iModel is already processing this request.");
            case RunClaimOutcome.Active:
                return ApiResult.Json(HttpStatusCode.SeeOther, new { error = new { code = "RunAlreadyActive", message = "A run of this connection is active; see Location." } })
                    .WithHeader("Location", RunUrl(request, connection.Kind, connection.Id, claim.ActiveRunId!));
        }

        try
        {
            await durable.StartAsync(nameof(SyncRunOrchestrator), claim.RunId, new RunInput(claim.RunId, connection.Id, connection.ITwinId, connection.IModelId, manifest), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await claims.FailToScheduleAsync(connection, claim.RunId, CancellationToken.None);
            throw;
        }

        return ApiResult.Stream(HttpStatusCode.Accepted, _ => Task.CompletedTask).WithHeader("Location", RunUrl(request, connection.Kind, connection.Id, claim.RunId));
    }

    public async Task<ApiResult> ListAsync(ApiRequest request, ConnectionKind kind)
    {
        var connection = await FindAsync(request, kind);
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidStorageConnectionRequest);
        var page = new List<Run>();
        foreach (var run in await runs.ListAsync(connection.Id, paging.Skip, paging.Top, withTasks: request.WantsRepresentation, request.Aborted))
        {
            page.Add(await ReconcileAsync(connection, run, request.Aborted));
        }

        int total = await runs.CountAsync(connection.Id, request.Aborted);
        object items = request.WantsRepresentation
            ? page.Select(r => Present(request, kind, r)).ToList()
            : page.Select(r => new { id = r.Id, state = r.State, result = r.Result }).ToList();
        return ApiResult.Ok(new { runs = items, _links = paging.Links(request, total) });
    }

    public async Task<ApiResult> GetAsync(ApiRequest request, ConnectionKind kind)
    {
        var connection = await FindAsync(request, kind);
        string runId = request.Route("runId");
        var run = await runs.GetAsync(connection.Id, runId, request.Aborted)
            ?? throw ApiException.NotFound("ConnectionRunNotFound", $"Requested Connection Run '{runId}' is not available.");
        return ApiResult.Ok(new { run = Present(request, kind, await ReconcileAsync(connection, run, request.Aborted)) });
    }

    /// <summary>
    /// A run read while it has been silent for longer than <c>Runs:AbandonAfter</c> is ended as abandoned first,
    /// so nobody is shown a dead run as executing (what a background sweep would do, done when it matters).
    /// </summary>
    private async Task<Run> ReconcileAsync(Connection connection, Run run, CancellationToken cancellationToken) =>
        abandoned.IsAbandoned(run) && await abandoned.TryEndAsync(connection, run, cancellationToken)
            ? await runs.GetAsync(connection.Id, run.Id, cancellationToken) ?? run
            : run;

    /// <summary>
    /// Cancels an active run (202); a run that has completed cannot be cancelled (409). A run silent for longer than
    /// <c>Runs:AbandonAfter</c> is ended at once as abandoned.
    /// </summary>
    public async Task<ApiResult> CancelAsync(ApiRequest request, ConnectionKind kind)
    {
        var connection = await FindAsync(request, kind);
        string runId = request.Route("runId");
        var run = await runs.GetAsync(connection.Id, runId, request.Aborted)
            ?? throw ApiException.NotFound("ConnectionRunNotFound", $"Requested Connection Run '{runId}' is not available.");
        if (!run.IsActive)
        {
            throw ApiException.Conflict("RunAlreadyCompleted", $"Run '{runId}' has completed ({run.Result}); it cannot be cancelled.");
        }

        if (abandoned.IsAbandoned(run) && await abandoned.TryEndAsync(connection, run, request.Aborted))
        {
            // Its host stopped: nothing would receive the event, so the run is ended here.
            return ApiResult.Stream(HttpStatusCode.Accepted, _ => Task.CompletedTask).WithHeader("Location", RunUrl(request, kind, connection.Id, runId));
        }

        await durable.RaiseEventAsync(runId, SyncRunOrchestrator.CancelEvent, true, request.Aborted);
        return ApiResult.Stream(HttpStatusCode.Accepted, _ => Task.CompletedTask).WithHeader("Location", RunUrl(request, kind, connection.Id, runId));
    }

    private async Task<Connection> FindAsync(ApiRequest request, ConnectionKind kind)
    {
        string id = request.Route("connectionId");
        var connection = await connections.GetAsync(id, request.Aborted);
        return connection is not null && connection.Kind == kind ? connection : throw NotFound(id);
    }

    private static ApiException NotFound(string id) => ApiException.NotFound(ErrorCodes.ConnectionNotFound, $"Requested Connection '{id}' is not available.");

    private static string RunUrl(ApiRequest request, ConnectionKind kind, string connectionId, string runId) =>
        request.Url($"/synchronization/imodels/{(kind == ConnectionKind.Manifest ? "manifestConnections" : "storageConnections")}/{connectionId}/runs/{runId}");

    private static object Present(ApiRequest request, ConnectionKind kind, Run run) => new
    {
        id = run.Id,
        connectionId = run.ConnectionId,
        startDateTime = ApiJson.Timestamp(run.StartDateTime),
        endDateTime = ApiJson.Timestamp(run.EndDateTime),
        phase = "MasterFile",
        state = run.State,
        result = run.Result,
        trigger = run.Trigger,
        error = run.Error is null ? null : new { errorKey = run.Error.ErrorKey, description = run.Error.Description },
        jobs = run.Tasks.GroupBy(t => t.ConnectorType).Select(job => new
        {
            id = $"{run.Id}-{job.Key}",
            connectorType = job.Key,
            state = job.All(t => t.State == RunStates.Completed) ? RunStates.Completed : run.State,
            result = JobResult(job.ToList()),
            startDateTime = ApiJson.Timestamp(job.Min(t => t.StartDateTime)),
            endDateTime = ApiJson.Timestamp(job.Max(t => t.EndDateTime)),
            tasks = job.Select(t => new
            {
                id = t.Id,
                storageFileId = t.StorageFileId,
                sourceFileId = t.DocumentId,
                fileName = t.FileName,
                state = t.State,
                result = t.Result,
                startDateTime = ApiJson.Timestamp(t.StartDateTime),
                endDateTime = ApiJson.Timestamp(t.EndDateTime),
                retryAttempts = t.RetryAttempts,
                error = t.Error is null ? null : new
                {
                    errorCode = t.Error.ErrorCode,
                    message = t.Error.Description,
                    system = t.Error.System,
                    phase = t.Error.Phase,
                    category = t.Error.Category,
                    descriptionKey = t.Error.DescriptionKey,
                    description = t.Error.Description,
                    canUserFix = t.Error.CanUserFix,
                },
                details = t.Report is null ? null : new
                {
                    synchronizationReport = new
                    {
                        suggestedAction = t.Report.SuggestedAction,
                        message = t.Report.Message,
                        totalErrorsCount = t.Report.TotalErrorsCount,
                        totalWarningsCount = t.Report.TotalWarningsCount,
                        totalOtherIssuesCount = t.Report.TotalOtherIssuesCount,
                        inserted = t.Report.Inserted,
                        updated = t.Report.Updated,
                        deleted = t.Report.Deleted,
                        elementsRead = t.Report.ElementsRead,
                    },
                },
            }).ToList(),
        }).ToList(),
        filesTotal = run.FilesTotal,
        filesDone = run.FilesDone,
        changeset = run.ChangesetId is null ? null : new { id = run.ChangesetId, index = run.ChangesetIndex },
        resolvedSettings = run.ResolvedSettings?.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => JsonNode.Parse(s.Value)),
        lastActivityDateTime = ApiJson.Timestamp(run.UpdatedDateTime),
        _links = new { self = new Link(RunUrl(request, kind, run.ConnectionId, run.Id)) },
    };

    private static string JobResult(List<RunTask> tasks)
    {
        int failed = tasks.Count(t => t.Result == RunResults.Error);
        return tasks.Any(t => t.Result == RunResults.Undetermined) ? RunResults.Undetermined
            : failed == 0 ? (tasks.All(t => t.Result == RunResults.Skipped) ? RunResults.Skipped : RunResults.Success)
            : failed == tasks.Count ? RunResults.Error : RunResults.PartialSuccess;
    }
}
