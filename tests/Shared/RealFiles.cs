namespace Sync.Tests;

/// <summary>Real sample files from Debian's assimp-testmodels (installed by ./test.sh where apt-get is allowed).</summary>
public static class RealFiles
{
    public const string Models = "/usr/share/assimp/models";

    public static string FzkHaus => Require(Path.Combine(Models, "IFC", "AC14-FZK-Haus.ifc"));

    public static IReadOnlyList<string> Drawings => Directory.Exists(Path.Combine(Models, "DXF"))
        ? Directory.GetFiles(Path.Combine(Models, "DXF"), "*.dxf").Order(StringComparer.Ordinal).ToList()
        : throw Skip();

    /// <summary>The path, or the test is marked inconclusive saying which package is missing.</summary>
    public static string Require(string path) => File.Exists(path) ? path : throw Skip();

    private static AssertInconclusiveException Skip() => new(
        $"Skipped: real sample files are missing under {Models}. Install them with 'apt-get install -y assimp-testmodels' (./test.sh does this where apt-get is allowed).");
}
