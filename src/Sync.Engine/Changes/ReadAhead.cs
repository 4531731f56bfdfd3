using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Sync.Engine.Changes;

/// <summary>
/// Runs an element source on its own thread, handing elements over in batches, so a connector parses on one
/// core while its elements are prepared (<see cref="PreparedBatch"/>) and diffed on the others. A failure on either side ends both, and the
/// source's exception reaches the consumer as thrown.
/// </summary>
internal static class ReadAhead
{
    public static async IAsyncEnumerable<List<T>> BatchesAsync<T>(IAsyncEnumerable<T> source, int batchSize, int capacity, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    var batch = new List<T>(batchSize);
                    await foreach (var item in source.WithCancellation(stop.Token).ConfigureAwait(false))
                    {
                        batch.Add(item);
                        if (batch.Count == batchSize)
                        {
                            await channel.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                            batch = new List<T>(batchSize);
                        }
                    }

                    if (batch.Count > 0)
                    {
                        await channel.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                    }

                    channel.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    channel.Writer.TryComplete(e);
                }
            },
            CancellationToken.None);

        try
        {
            while (true)
            {
                List<T> batch;
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    if (!channel.Reader.TryRead(out batch!))
                    {
                        continue;
                    }
                }
                catch (ChannelClosedException e) when (e.InnerException is not null)
                {
                    // The source failed: rethrow its own exception (e.g. a SourceFormatException) with its stack.
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                    throw;
                }

                yield return batch;
            }
        }
        finally
        {
            // The consumer stopped early or failed: stop the producer and wait for it to let go of the source.
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
