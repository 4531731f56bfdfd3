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

    /// <summary>
    /// Run reads (history and one run) read no connection: its kind never changes (and is remembered), and that it
    /// still exists is said by the run query itself (<see cref="IRunStore.GetUnlessDeletedAsync"/>).
    /// </summary>
    public async Task<ApiResult> ListAsync(ApiRequest request, ConnectionKind kind)
    {
        string connectionId = await FindIdAsync(request, kind);
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidStorageConnectionRequest);
        var page = new List<Run>();
        var listed = await runs.ListAsync(connectionId, paging.Skip, paging.Top, withTasks: request.WantsRepresentation, request.Aborted);
        foreach (var run in listed.Runs)
        {
            page.Add(await ReconcileAsync(connectionId, run, request.Aborted));
        }

        // The next link needs only whether more runs follow: the page's own query looked one run beyond it.
        var links = paging.Links(request, paging.Skip + page.Count + (listed.More ? 1 : 0));
        return ApiResult.Ok(request.WantsRepresentation
            ? (object)new RunsRepresentationAnswer(page.Select(r => Present(request, kind, r)).ToList(), links)
            : new RunsAnswer(page.Select(r => new RunSummary(r.Id, r.State, r.Result)).ToList(), links));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request, ConnectionKind kind)
    {
        string connectionId = await FindIdAsync(request, kind);
        string runId = request.Route("runId");
        var run = await runs.GetUnlessDeletedAsync(connectionId, runId, request.Aborted)
            ?? throw ApiException.NotFound("ConnectionRunNotFound", $"Requested Connection Run '{runId}' is not available.");
        return ApiResult.Ok(new RunAnswer(Present(request, kind, await ReconcileAsync(connectionId, run, request.Aborted))));
    }

    /// <summary>
    /// A run read while it has been silent for longer than <c>Runs:AbandonAfter</c> is ended as abandoned first,
    /// so nobody is shown a dead run as executing (what a background sweep would do, done when it matters).
    /// </summary>
    private async Task<Run> ReconcileAsync(string connectionId, Run run, CancellationToken cancellationToken)
    {
        if (!abandoned.IsAbandoned(run))
        {
            return run;
        }

        var connection = await connections.GetAsync(connectionId, cancellationToken) ?? throw NotFound(connectionId);
        return await abandoned.TryEndAsync(connection, run, cancellationToken)
            ? await runs.GetAsync(connectionId, run.Id, cancellationToken) ?? run
            : run;
    }

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

    private async Task<string> FindIdAsync(ApiRequest request, ConnectionKind kind)
    {
        string id = request.Route("connectionId");
        return await connections.GetKindAsync(id, request.Aborted) == kind ? id : throw NotFound(id);
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

    private static RunView Present(ApiRequest request, ConnectionKind kind, Run run) => new(
        run.Id,
        run.ConnectionId,
        ApiJson.Timestamp(run.StartDateTime),
        ApiJson.Timestamp(run.EndDateTime),
        "MasterFile",
        run.State,
        run.Result,
        run.Trigger,
        run.Error,
        run.Tasks.GroupBy(t => t.ConnectorType).Select(job => new JobView(
            $"{run.Id}-{job.Key}",
            job.Key,
            job.All(t => t.State == RunStates.Completed) ? RunStates.Completed : run.State,
            JobResult(job.ToList()),
            ApiJson.Timestamp(job.Min(t => t.StartDateTime)),
            ApiJson.Timestamp(job.Max(t => t.EndDateTime)),
            job.Select(Present).ToList())).ToList(),
        run.FilesTotal,
        run.FilesDone,
        run.ChangesetId is null ? null : new ChangesetReference(run.ChangesetId, run.ChangesetIndex),
        run.ResolvedSettings?.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => JsonNode.Parse(s.Value)),
        ApiJson.Timestamp(run.UpdatedDateTime),
        new SelfLink(new Link(RunUrl(request, kind, run.ConnectionId, run.Id))));

    private static TaskView Present(RunTask t) => new(
        t.Id,
        t.StorageFileId,
        t.DocumentId,
        t.FileName,
        t.State,
        t.Result,
        ApiJson.Timestamp(t.StartDateTime),
        ApiJson.Timestamp(t.EndDateTime),
        t.RetryAttempts,
        t.Error is not { } e ? null : new TaskErrorView(e.ErrorCode, e.Description, e.System, e.Phase, e.Category, e.DescriptionKey, e.Description, e.CanUserFix),
        t.Report is null ? null : new TaskDetailsView(t.Report));

    private static string JobResult(List<RunTask> tasks)
    {
        int failed = tasks.Count(t => t.Result == RunResults.Error);
        return tasks.Any(t => t.Result == RunResults.Undetermined) ? RunResults.Undetermined
            : failed == 0 ? (tasks.All(t => t.Result == RunResults.Skipped) ? RunResults.Skipped : RunResults.Success)
            : failed == tasks.Count ? RunResults.Error : RunResults.PartialSuccess;
    }
}
