using System.Globalization;

namespace Sync.Tests.Generators;

/// <summary>
/// Writes an ASCII DXF (R2000 structure, handles, $INSUNITS = millimetres) for tests and benchmarks: a layer
/// table, a block with an attribute definition, LINE, CIRCLE, LWPOLYLINE and TEXT entities on several layers,
/// INSERTs of the block with attributes, and XDATA. Options move one line or leave it out.
/// </summary>
public sealed class DxfFileWriter
{
    public int Entities { get; init; } = 20;

    public int Layers { get; init; } = 4;

    /// <summary>The entity (index) moved by 500 drawing units in X, or -1.</summary>
    public int MovedEntity { get; init; } = -1;

    /// <summary>The entity (index) left out, or -1.</summary>
    public int MissingEntity { get; init; } = -1;

    public static string Handle(int entity) => (0x1000 + entity).ToString("X", CultureInfo.InvariantCulture);

    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        void G(int code, string value)
        {
            output.Write(code.ToString(CultureInfo.InvariantCulture));
            output.Write('\n');
            output.Write(value);
            output.Write('\n');
        }

        void N(int code, double value) => G(code, value.ToString("0.0###", CultureInfo.InvariantCulture));

        G(0, "SECTION");
        G(2, "HEADER");
        G(9, "$ACADVER");
        G(1, "AC1015");
        G(9, "$INSUNITS");
        G(70, "4");
        G(0, "ENDSEC");
        G(0, "SECTION");
        G(2, "TABLES");
        G(0, "TABLE");
        G(2, "LAYER");
        for (int l = 0; l < Layers; l++)
        {
            G(0, "LAYER");
            G(5, (0x100 + l).ToString("X", CultureInfo.InvariantCulture));
            G(2, $"Layer-{l}");
            G(70, "0");
            G(62, (l + 1).ToString(CultureInfo.InvariantCulture));
            G(6, "CONTINUOUS");
        }

        G(0, "ENDTAB");
        G(0, "ENDSEC");
        G(0, "SECTION");
        G(2, "BLOCKS");
        G(0, "BLOCK");
        G(5, "200");
        G(8, "0");
        G(2, "PUMP");
        G(70, "2");
        N(10, 0);
        N(20, 0);
        N(30, 0);
        G(0, "CIRCLE");
        G(5, "201");
        G(8, "0");
        N(10, 0);
        N(20, 0);
        N(30, 0);
        N(40, 250);
        G(0, "ATTDEF");
        G(5, "202");
        G(8, "0");
        N(10, 0);
        N(20, -300);
        N(30, 0);
        N(40, 50);
        G(1, "P-?");
        G(3, "Tag?");
        G(2, "TAG");
        G(70, "0");
        G(0, "ENDBLK");
        G(5, "203");
        G(8, "0");
        G(0, "ENDSEC");
        G(0, "SECTION");
        G(2, "ENTITIES");
        for (int e = 0; e < Entities; e++)
        {
            if (e == MissingEntity)
            {
                continue;
            }

            double x = (e % 100) * 1000.0 + (e == MovedEntity ? 500 : 0);
            double y = (e / 100) * 1000.0;
            string layer = $"Layer-{e % Layers}";
            switch (e % 5)
            {
                case 0 or 1:
                    G(0, "LINE");
                    G(5, Handle(e));
                    G(8, layer);
                    N(10, x);
                    N(20, y);
                    N(30, 0);
                    N(11, x + 800);
                    N(21, y + 400);
                    N(31, 0);
                    break;
                case 2:
                    G(0, "CIRCLE");
                    G(5, Handle(e));
                    G(8, layer);
                    G(62, "1");
                    N(10, x);
                    N(20, y);
                    N(30, 0);
                    N(40, 300);
                    G(1001, "SYNCTEST");
                    G(1000, $"circle {e}");
                    G(1070, "42");
                    break;
                case 3:
                    G(0, "LWPOLYLINE");
                    G(5, Handle(e));
                    G(8, layer);
                    G(90, "3");
                    G(70, "1");
                    N(10, x);
                    N(20, y);
                    N(10, x + 600);
                    N(20, y);
                    N(10, x + 600);
                    N(20, y + 600);
                    break;
                default:
                    G(0, "INSERT");
                    G(5, Handle(e));
                    G(8, layer);
                    G(66, "1");
                    G(2, "PUMP");
                    N(10, x);
                    N(20, y);
                    N(30, 0);
                    N(41, 2);
                    N(42, 2);
                    N(50, 90);
                    G(0, "ATTRIB");
                    G(5, (0x900000 + e).ToString("X", CultureInfo.InvariantCulture));
                    G(8, layer);
                    N(10, x);
                    N(20, y - 300);
                    N(30, 0);
                    N(40, 50);
                    G(1, $"P-{e}");
                    G(2, "TAG");
                    G(70, "0");
                    G(0, "SEQEND");
                    G(5, (0xA00000 + e).ToString("X", CultureInfo.InvariantCulture));
                    G(8, layer);
                    break;
            }
        }

        G(0, "ENDSEC");
        G(0, "EOF");
    }

    public string Write()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer);
        return writer.ToString();
    }
}
