using Uploads.Testing;

namespace Uploads.EndToEnd.Tests.Readme;

/// <summary>The repository's README.md, read as a newcomer reads it: by its sections and the shell blocks in them.</summary>
internal sealed class ReadmeDocument
{
    private const string ShellFence = "```sh";
    private const string Fence = "```";

    private readonly string[] _lines;

    private ReadmeDocument(string[] lines)
    {
        _lines = lines;
    }

    /// <summary>The README.md at the root of the repository the tests were built from.</summary>
    public static ReadmeDocument Load() => new(File.ReadAllLines(Path.Combine(SiloBuild.FindRepositoryRoot(), "README.md")));

    /// <summary>
    /// The one <c>```sh</c> block of the section whose heading starts with <paramref name="heading"/> (its subsections
    /// included). Throws when there is no such section, or when it holds no shell block or several.
    /// </summary>
    public string ShellBlock(string heading)
    {
        var start = Array.FindIndex(_lines, line => HeadingLevel(line) > 0 && line.TrimStart('#').Trim().StartsWith(heading, StringComparison.Ordinal));
        if (start < 0)
        {
            throw new InvalidOperationException($"README.md has no section '{heading}'.");
        }

        var level = HeadingLevel(_lines[start]);
        var blocks = new List<string>();
        List<string>? block = null;
        var inOtherBlock = false;
        for (var i = start + 1; i < _lines.Length; i++)
        {
            var line = _lines[i];
            if (block is not null)
            {
                if (line.Trim() == Fence)
                {
                    blocks.Add(string.Join('\n', block));
                    block = null;
                }
                else
                {
                    block.Add(line);
                }
            }
            else if (line.StartsWith(Fence, StringComparison.Ordinal))
            {
                if (line.Trim() == ShellFence && !inOtherBlock)
                {
                    block = [];
                }
                else
                {
                    inOtherBlock = !inOtherBlock;
                }
            }
            else if (!inOtherBlock && HeadingLevel(line) is > 0 and var other && other <= level)
            {
                break;
            }
        }

        return blocks.Count == 1
            ? blocks[0]
            : throw new InvalidOperationException($"README.md's section '{heading}' holds {blocks.Count} shell blocks; the test expects one.");
    }

    private static int HeadingLevel(string line)
    {
        var level = line.TakeWhile(c => c == '#').Count();
        return level > 0 && line.Length > level && line[level] == ' ' ? level : 0;
    }
}
