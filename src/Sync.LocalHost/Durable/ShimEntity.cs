using DurableTask.Core.Entities;
using DurableTask.Core.Entities.OperationFormat;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;
using Microsoft.DurableTask.Worker.Shims;

namespace Sync.LocalHost.Durable;

/// <summary>
/// Core asks for an entity object before it knows which entity instance it is for; the SDK's shim needs the
/// instance id up front. This adapter builds the shim per batch, from the batch's instance id.
/// </summary>
internal sealed class ShimEntity(DurableTaskShimFactory shims, TaskName name, Func<ITaskEntity> create) : TaskEntity
{
    public override Task<EntityBatchResult> ExecuteOperationBatchAsync(EntityBatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = EntityId.FromString(request.InstanceId ?? throw new ArgumentException("An entity batch without an instance id.", nameof(request)));
        return shims.CreateEntity(name, create(), id).ExecuteOperationBatchAsync(request);
    }
}
