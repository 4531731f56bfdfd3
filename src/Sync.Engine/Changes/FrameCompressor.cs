using ZstdSharp;

namespace Sync.Engine.Changes;

/// <summary>
/// Compresses staged lines one block at a time, each block a zstd frame at <see cref="ChangesetContent.Level"/>.
/// Concatenated frames decode as one stream. A frame made from one contiguous block costs about a quarter less CPU
/// than the streaming compressor, whose ring buffer makes it match across a wrap (zstd's slower external-dictionary
/// path); at blocks of 1 MiB the output is as small (docs/benchmarks.md, stop 26).
/// </summary>
internal sealed class FrameCompressor : IDisposable
{
    private readonly Compressor _compressor = new(ChangesetContent.Level);
    private byte[] _output = [];

    /// <summary>The frame of <paramref name="block"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Compress(ReadOnlySpan<byte> block)
    {
        int bound = Compressor.GetCompressBound(block.Length);
        if (_output.Length < bound)
        {
            _output = new byte[bound];
        }

        return _output.AsMemory(0, _compressor.Wrap(block, _output));
    }

    public void Dispose() => _compressor.Dispose();
}
