using System.Net;
using Sync.Durable;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// <c>GET /health[?probe=true]</c>: 200 once storage answers and the durable worker has completed a probe
/// orchestration (activity + entity), else 503. <c>probe=true</c> runs a fresh probe before answering.
/// </summary>
public sealed class HealthApi(IStoreHealth storage, IDurableGateway durable)
{
    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        string? storageError = null;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(request.Aborted);
            cts.CancelAfter(TimeSpan.FromSeconds(5));
            await storage.ProbeAsync(cts.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !request.Aborted.IsCancellationRequested)
        {
            storageError = e.Message;
        }

        bool probeNow = string.Equals(request.Query("probe"), "true", StringComparison.OrdinalIgnoreCase);
        var worker = await durable.GetHealthAsync(probeNow, request.Aborted);
        bool healthy = storageError is null && worker.Ready;
        return ApiResult.Json(healthy ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, new HealthAnswer(
            Status(healthy),
            new StorageHealthView(Status(storageError is null), storageError),
            new DurableHealthView(Status(worker.Ready), worker.WorkerState, worker.LastProbe)));
    }

    private static string Status(bool healthy) => healthy ? "Healthy" : "Unhealthy";
}
