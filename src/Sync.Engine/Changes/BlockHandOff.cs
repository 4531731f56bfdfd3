using System.Buffers;

namespace Sync.Engine.Changes;

/// <summary>
/// Two pooled blocks: callers fill <see cref="Block"/> while the other is written to a stream on a task of its own,
/// one write in flight. A blob write stream stages a block inside its write call, so writing to it directly would stop
/// the writer for every block upload.
/// </summary>
internal sealed class BlockHandOff(int blockBytes)
{
    private byte[] _spare = ArrayPool<byte>.Shared.Rent(blockBytes);
    private bool _returned;

    /// <summary>The block being filled; at least the block size asked for.</summary>
    public byte[] Block { get; private set; } = ArrayPool<byte>.Shared.Rent(blockBytes);

    /// <summary>Bytes of <see cref="Block"/> filled so far.</summary>
    public int Used { get; set; }

    /// <summary>The write in flight, if any.</summary>
    public Task InFlight { get; private set; } = Task.CompletedTask;

    /// <summary>Waits for the write in flight (the spare block is then free), swaps the blocks and starts writing the filled one.</summary>
    public async Task HandOffAsync(Stream destination, CancellationToken cancellationToken)
    {
        await InFlight.ConfigureAwait(false);
        var full = Block;
        int length = Used;
        (Block, _spare) = (_spare, full);
        Used = 0;
        InFlight = length == 0 ? Task.CompletedTask : destination.WriteAsync(full.AsMemory(0, length), cancellationToken).AsTask();
    }

    /// <summary>Returns both blocks to the pool once no write uses them; a second call does nothing.</summary>
    public void Return()
    {
        if (_returned)
        {
            return;
        }

        _returned = true;
        ArrayPool<byte>.Shared.Return(Block);
        ArrayPool<byte>.Shared.Return(_spare);
        Block = _spare = [];
    }
}
