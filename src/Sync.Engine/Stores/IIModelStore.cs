using Sync.Engine.Model;

namespace Sync.Engine.Stores;

public interface IIModelStore
{
    Task CreateAsync(IModel iModel, CancellationToken cancellationToken);

    Task<IModel?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The iModel when it belongs to <paramref name="iTwinId"/> (one read where the lookup by id alone takes two); null otherwise.</summary>
    Task<IModel?> GetAsync(Guid iTwinId, Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Like <see cref="GetAsync(Guid, Guid, CancellationToken)"/>, but a record this store has read before is answered
    /// from memory: records never change once written. Says nothing about whether the iModel still exists; its tip
    /// says that (<see cref="IChangesetLog.CloseAsync"/>).
    /// </summary>
    Task<IModel?> GetRecordAsync(Guid iTwinId, Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<IModel>> ListByITwinAsync(Guid iTwinId, CancellationToken cancellationToken);

    /// <returns>false when there was no such iModel.</returns>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);
}
