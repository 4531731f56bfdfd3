namespace Sync.Engine.Connectors.Archives;

/// <summary>
/// A private temporary directory for one file's reading (a zip's members, a database copied to disk), deleted with
/// everything in it when disposed. Libraries that need paths (SQLite, shapefile siblings) read from here.
/// </summary>
internal sealed class ScratchDirectory : IDisposable
{
    public ScratchDirectory(string root)
    {
        Path = Directory.CreateDirectory(System.IO.Path.Combine(root, Guid.NewGuid().ToString("N"))).FullName;
    }

    public string Path { get; }

    /// <summary>Copies a stream to a new file here; more than <paramref name="maxBytes"/> is refused with <paramref name="tooLarge"/>.</summary>
    public async Task<string> SaveAsync(Stream content, string relativePath, long maxBytes, string tooLarge, CancellationToken cancellationToken)
    {
        string path = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var buffer = new byte[1 << 16];
            long copied = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                copied += read;
                if (copied > maxBytes)
                {
                    throw new SourceFormatException(tooLarge);
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        return path;
    }

    /// <summary>Whether a path resolves to a place inside this directory (not the directory itself).</summary>
    public bool Contains(string path) =>
        System.IO.Path.GetFullPath(path).StartsWith(Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere (a reader not yet collected): the OS temp cleaner takes it later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
