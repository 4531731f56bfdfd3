using ZstdSharp;
using ZstdSharp.Unsafe;

namespace Sync.Engine.Changes;

/// <summary>
/// Compresses staged lines one block at a time, each block a zstd frame at <see cref="ChangesetContent.Level"/>.
/// Concatenated frames decode as one stream. A frame made from one contiguous block costs about a quarter less CPU
/// than the streaming compressor, whose ring buffer makes it match across a wrap (zstd's slower external-dictionary
/// path); at blocks of 1 MiB the output is as small (docs/benchmarks.md, stop 26).
/// </summary>
/// <remarks>
/// The match finder's hash table is 2^<see cref="HashLog"/> entries instead of level 1's 2^14: element lines repeat
/// their structure within a few lines, and half of what lies between is random hex (ids, checksums) that a larger
/// table only fills with positions no later line matches. The smaller table stays in the core's cache: about 13 % less
/// CPU, and parts as small or smaller (register lines 2 % smaller, IFC lines 0.3 %; docs/benchmarks.md, stop 27).
/// </remarks>
internal sealed class FrameCompressor : IDisposable
{
    internal const int HashLog = 12;

    private readonly Compressor _compressor = CreateCompressor();
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

    private static Compressor CreateCompressor()
    {
        var compressor = new Compressor(ChangesetContent.Level);
        compressor.SetParameter(ZSTD_cParameter.ZSTD_c_hashLog, HashLog);
        return compressor;
    }
}
