using System.Runtime.CompilerServices;
using System.Text.Json;
using SharpGLTF.Schema2;
using SharpGLTF.Validation;
using Sync.Engine.Connectors.StepPart21;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Mesh;

/// <summary>
/// MSTN connector type (Bentley routes mesh and exchange formats to its MicroStation connector): glTF 2.0 (.glb, and
/// .gltf with embedded buffers) through SharpGLTF, Wavefront OBJ, STL (ASCII and binary), 3MF and STEP AP203/AP214
/// product models (.stp, .step; see <see cref="StepProductModel"/>). DGN files are
/// refused with a clear message. OBJ and STL carry no units: their coordinates are taken as metres, with a warning.
/// </summary>
public sealed class MeshConnector : IConnector
{
    /// <summary>A glTF model is held in memory while it is read; larger ones are refused.</summary>
    public const int MaxGltfBytes = int.MaxValue - 64;

    public string ConnectorType => "MSTN";

    public IReadOnlyList<string> Extensions { get; } = ["glb", "gltf", "obj", "stl", "3mf", "stp", "step", "dgn"];

    public string Version => "1.1.0"; // 1.1.0: STEP assembly placements place parts and size assemblies

    public string SchemaAlias => "MSTN";

    public IReadOnlyList<string> SettingNames { get; } = [];

    public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        string extension = Path.GetExtension(context.FileName).ToLowerInvariant();
        switch (extension)
        {
            case ".dgn":
                throw new SourceFormatException($"'{context.FileName}' is a MicroStation DGN file, which this service does not read: export it to glTF, OBJ, STL or 3MF, or to IFC or DXF with their connectors.");
            case ".obj":
                context.Warn("OBJ files carry no units: coordinates are taken as metres.");
                await foreach (var element in new ObjReader(context.FileName).ReadAsync(content, cancellationToken).ConfigureAwait(false))
                {
                    yield return element;
                }

                yield break;
            case ".stl":
                context.Warn("STL files carry no units: coordinates are taken as metres.");
                await foreach (var element in StlReader.ReadAsync(content, context.FileName, cancellationToken).ConfigureAwait(false))
                {
                    yield return element;
                }

                yield break;
            case ".stp" or ".step":
                var step = await StepFile.LoadAsync(content, context.FileName, cancellationToken).ConfigureAwait(false);
                using (var products = new StepProductModel(step, context).Elements(cancellationToken).GetEnumerator())
                {
                    while (StepModelGuard.Run(products.MoveNext, context.FileName, "the STEP reader"))
                    {
                        yield return products.Current;
                    }
                }

                yield break;
            case ".3mf":
                foreach (var element in await ThreeMfPackage.ReadAsync(content, context, cancellationToken).ConfigureAwait(false))
                {
                    yield return element;
                }

                yield break;
        }

        var model = await LoadGltfAsync(content, context.FileName, extension == ".glb", cancellationToken).ConfigureAwait(false);
        using var nodes = GltfModel.Elements(model, cancellationToken).GetEnumerator();
        while (Guard(nodes.MoveNext, context.FileName))
        {
            yield return nodes.Current;
        }
    }

    private static async Task<ModelRoot> LoadGltfAsync(Stream content, string fileName, bool binary, CancellationToken cancellationToken)
    {
        using var bytes = new MemoryStream();
        var buffer = new byte[1 << 16];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (bytes.Length + read > MaxGltfBytes)
            {
                throw new SourceFormatException($"'{fileName}' is larger than the 2 GiB a glTF model may be.");
            }

            bytes.Write(buffer, 0, read);
        }

        bytes.Position = 0;
        var settings = new ReadSettings { Validation = ValidationMode.Skip };
        return Guard(
            () =>
            {
                if (binary)
                {
                    return ModelRoot.ReadGLB(bytes, settings);
                }

                // A .gltf file alone: its buffers must be embedded (data: URIs); external .bin files were not uploaded with it.
                var files = new Dictionary<string, ArraySegment<byte>>(StringComparer.Ordinal) { [fileName] = new ArraySegment<byte>(bytes.ToArray()) };
                var reading = ReadContext.CreateFromDictionary(files);
                reading.Validation = ValidationMode.Skip;
                return reading.ReadSchema2(fileName);
            },
            fileName);
    }

    /// <summary>A damaged or hostile model breaks the library's assumptions anywhere; that is the file's fault, reported as unreadable.</summary>
    private static T Guard<T>(Func<T> step, string fileName)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is ModelException or JsonException or InvalidDataException or EndOfStreamException or ArgumentException or InvalidOperationException
            or IndexOutOfRangeException or KeyNotFoundException or NotSupportedException or FormatException or OverflowException or IOException or NullReferenceException)
        {
            throw new SourceFormatException($"'{fileName}' is not a readable glTF model: {e.Message}", e);
        }
    }
}
