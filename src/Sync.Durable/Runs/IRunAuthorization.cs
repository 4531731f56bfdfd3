using Microsoft.DurableTask;
using Sync.Engine.Model;
using Sync.Engine.Stores;

namespace Sync.Durable.Runs;

/// <summary>
/// Whether a run may act for its connection: a <c>User</c> connection runs on its owner's behalf and needs the
/// owner's stored grant; a <c>Service</c> connection runs as the service.
/// </summary>
public interface IRunAuthorization
{
    /// <summary>Null when the run may go on; otherwise the run-level error it ends with (e.g. <c>UserNotAuthenticated</c>).</summary>
    Task<RunError?> CheckAsync(Connection connection, CancellationToken cancellationToken);
}

/// <summary>Checks the run's connection with <see cref="IRunAuthorization"/> before it reads anything.</summary>
public sealed class AuthorizeRunActivity(IConnectionStore connections, IRunAuthorization authorization) : TaskActivity<RunInput, RunError?>
{
    public override async Task<RunError?> RunAsync(TaskActivityContext context, RunInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var connection = await connections.GetAsync(input.ConnectionId, CancellationToken.None).ConfigureAwait(false);
        // A connection deleted meanwhile has nothing to act for: the run's next step reports it.
        return connection is null ? null : await authorization.CheckAsync(connection, CancellationToken.None).ConfigureAwait(false);
    }
}
