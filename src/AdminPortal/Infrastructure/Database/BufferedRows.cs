using System.Data.Common;
using Dapper;

namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// Dapper's row mapping over a reader that never blocks a thread on the network. Dapper's own async queries open their
/// reader with <c>CommandBehavior.SequentialAccess</c> and map each row with synchronous calls; Npgsql then reads a column
/// that has not arrived yet with a blocking socket read, which happens whenever a result spans more than one network read
/// (a credential lookup of 256 terminals is about 40 KB). Each such read holds a thread-pool thread until the bytes come:
/// on two cores that is half the pool, and with <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c> (the socket
/// thread runs the continuation) the read waited for the thread it was blocking, so every lookup timed out (update
/// 2026-12-03 in docs/BENCHMARKS.md). Here the reader uses the default behaviour, in which Npgsql's <c>ReadAsync</c> reads
/// each whole row asynchronously before it is mapped. For the hot paths and the long reads; other queries keep Dapper's calls.
/// </summary>
public static class BufferedRows
{
    public static async Task<List<T>> QueryRowsAsync<T>(this DbConnection connection, CommandDefinition command)
    {
        await using var reader = await connection.ExecuteReaderAsync(command);
        return await reader.ReadRowsAsync<T>(command.CancellationToken);
    }

    /// <summary>A long result row by row (never all of it in memory), each row read whole before it is mapped.</summary>
    public static async IAsyncEnumerable<T> StreamRowsAsync<T>(this DbConnection connection, CommandDefinition command)
    {
        await using var reader = await connection.ExecuteReaderAsync(command);
        if (reader.FieldCount == 0)
        {
            yield break;
        }

        var parse = reader.GetRowParser<T>();
        while (await reader.ReadAsync(command.CancellationToken))
        {
            yield return parse(reader);
        }
    }

    /// <summary>The rows of the reader's current result, each read whole before it is mapped.</summary>
    public static async Task<List<T>> ReadRowsAsync<T>(this DbDataReader reader, CancellationToken ct)
    {
        var rows = new List<T>();
        if (reader.FieldCount == 0)
        {
            return rows;
        }

        var parse = reader.GetRowParser<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(parse(reader));
        }

        return rows;
    }
}
