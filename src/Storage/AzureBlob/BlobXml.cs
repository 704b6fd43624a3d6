using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Uploads.Storage.AzureBlob;

/// <summary>The XML bodies of the Blob service this client writes and reads: block lists, blob listings and errors.</summary>
internal static class BlobXml
{
    private static readonly XmlReaderSettings s_readerSettings = new()
    {
        Async = true,
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        XmlResolver = null,
    };

    /// <summary>Block ids go on the wire as base64 of their ASCII bytes, so ids of one length stay of one length.</summary>
    public static string EncodeBlockId(string blockId) => Convert.ToBase64String(Encoding.ASCII.GetBytes(blockId));

    /// <summary>The body of Put Block List: every id as <c>Latest</c>, in order.</summary>
    public static byte[] WriteBlockList(IReadOnlyList<string> blockIds)
    {
        var builder = new StringBuilder(64 + (blockIds.Count * 80));
        builder.Append("<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>");
        foreach (var blockId in blockIds)
        {
            // Base64 needs no escaping in XML text.
            builder.Append("<Latest>").Append(EncodeBlockId(blockId)).Append("</Latest>");
        }

        builder.Append("</BlockList>");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>
    /// The uncommitted blocks of a Get Block List answer whose ids are block ids of <see cref="StorageNames"/>; blocks
    /// that others staged under other id schemes are left out.
    /// </summary>
    public static async Task<List<StagedBlock>> ReadUncommittedBlocksAsync(Stream body, CancellationToken cancellationToken)
    {
        var document = await LoadAsync(body, cancellationToken).ConfigureAwait(false);
        var blocks = new List<StagedBlock>();
        foreach (var block in document.Root?.Element("UncommittedBlocks")?.Elements("Block") ?? [])
        {
            if (TryDecodeBlockId((string?)block.Element("Name") ?? "", out var blockId)
                && long.TryParse((string?)block.Element("Size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                blocks.Add(new StagedBlock(blockId, size));
            }
        }

        return blocks;
    }

    /// <summary>The blob names of a List Blobs answer, in the service's (ordinal) order, and its continuation marker.</summary>
    public static async Task<(List<string> Names, string? NextMarker)> ReadBlobListAsync(Stream body, CancellationToken cancellationToken)
    {
        var document = await LoadAsync(body, cancellationToken).ConfigureAwait(false);
        var root = document.Root;
        var names = new List<string>();
        foreach (var blob in root?.Element("Blobs")?.Elements("Blob") ?? [])
        {
            if ((string?)blob.Element("Name") is { Length: > 0 } name)
            {
                names.Add(name);
            }
        }

        var nextMarker = (string?)root?.Element("NextMarker");
        return (names, string.IsNullOrEmpty(nextMarker) ? null : nextMarker);
    }

    /// <summary>The <c>Message</c> of an error body, first line only, or null when there is none.</summary>
    public static string? ReadErrorMessage(string body)
    {
        if (body.Length == 0 || body.AsSpan().TrimStart().IndexOf('<') != 0)
        {
            return null;
        }

        try
        {
            using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Message")
                {
                    var message = reader.ReadElementContentAsString();
                    var end = message.IndexOfAny(['\r', '\n']);
                    return end < 0 ? message : message[..end];
                }
            }
        }
        catch (XmlException)
        {
            // Not the service's XML (a proxy's page, say): the status and error code still tell what happened.
        }

        return null;
    }

    // Answers are bounded (5,000 blobs a page, 100,000 uncommitted blocks at most) and already buffered by the client.
    private static async Task<XDocument> LoadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = XmlReader.Create(body, s_readerSettings);
        return await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken).ConfigureAwait(false);
    }

    private static bool TryDecodeBlockId(string encoded, out string blockId)
    {
        blockId = "";
        Span<byte> bytes = stackalloc byte[64];
        if (!Convert.TryFromBase64String(encoded, bytes, out var written))
        {
            return false;
        }

        var decoded = Encoding.ASCII.GetString(bytes[..written]);
        if (!StorageNames.IsValidBlockId(decoded))
        {
            return false;
        }

        blockId = decoded;
        return true;
    }
}
