namespace Sync.Engine.Connectors.Streams;

/// <summary>
/// The buffered, unread bytes of a stream, for readers that parse synchronously what is buffered and refill only
/// when a token is cut by the buffer's end: a refill moves the unread bytes to the front and reads more, and the
/// buffer doubles only when one token fills it, up to <paramref name="maxBytes"/>. A UTF-8 byte-order mark at the
/// start of the stream is skipped.
/// </summary>
internal sealed class StreamWindow(Stream content, int maxBytes)
{
    private byte[] _buffer = new byte[Math.Min(1 << 16, maxBytes)];
    private int _start;
    private int _end;
    private bool _started;

    /// <summary>The stream has no more bytes: what is unread is all there is.</summary>
    public bool AtEnd { get; private set; }

    public ReadOnlySpan<byte> Unread => _buffer.AsSpan(_start, _end - _start);

    public ReadOnlyMemory<byte> UnreadMemory => _buffer.AsMemory(_start, _end - _start);

    /// <summary>Where reading stands; <see cref="Rewind"/> returns to it until the next refill.</summary>
    public int Mark => _start;

    public void Consume(int count) => _start += count;

    public void Rewind(int mark) => _start = mark;

    /// <summary>Reads more bytes; false when the unread bytes already fill <c>maxBytes</c> (one token too long to buffer).</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= maxBytes)
            {
                return false;
            }

            Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, maxBytes));
        }

        int read = await content.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        AtEnd = read == 0;
        _end += read;
        if (!_started && (AtEnd || _end >= 3))
        {
            _started = true;
            if (Unread.StartsWith("\uFEFF"u8))
            {
                _start += 3;
            }
        }

        return true;
    }
}
