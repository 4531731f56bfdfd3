namespace Sync.Engine.Stores;

/// <summary>A cheap round trip to the backing store; throws when it cannot be reached.</summary>
public interface IStoreHealth
{
    Task ProbeAsync(CancellationToken cancellationToken);
}
