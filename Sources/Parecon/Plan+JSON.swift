extension Plan {
    /// The plan as a `parecon-plan/1` document (DESIGN §7): status, mode, rounds, prices and
    /// resourcePrices (id → price), activity (workers' council id → x_w), consumption (consumers'
    /// council id → good id → quantity), maxRelativeImbalance and seconds, plus the balances by
    /// good and resource, welfare, the numbers communicated, the board and the tolerance.
    public func jsonDocument(for economy: Economy) -> JSONValue {
        .object(JSONObject(jsonMembers(for: economy, activity: Self.map(Array(economy.workersCouncils.ids), activity),
                                       consumption: consumptionValue(for: economy))))
    }

    /// Writes the text of `jsonDocument(for:).serialized(pretty: true)` to `out` in pieces of about
    /// 64 KB, the activity by council and the consumption by consumers' council and good straight
    /// from the plan's arrays: neither the text nor a member per council or per number is ever all
    /// in memory.
    public func writeJSON<Target: TextOutputStream>(for economy: Economy, to out: inout Target) {
        let members = jsonMembers(for: economy, activity: .null, consumption: .null)
        let ids = economy.workersCouncils.ids
        let consumers = economy.consumersCouncils.ids
        let goodIDs = economy.goods.map(\.id)
        JSONWriter.writing(pretty: true, to: &out) { writer in
            writer.writeObject(count: members.count, depth: 0, key: { members[$0].key }) { writer, k, depth in
                switch members[k].key {
                case "activity":
                    writer.writeObject(count: ids.count, depth: depth, key: { ids[$0] }) { writer, w, _ in
                        writer.writeNumber(activity[w])
                    }
                case "consumption":
                    // Straight from the consumption matrix, council by council (as a value it
                    // took about 40 bytes per number).
                    writer.writeObject(count: consumers.count, depth: depth, key: { consumers[$0] }) { writer, c, depth in
                        let bought = (0..<economy.goodCount).filter { self.consumption[c, $0] > 0 }
                        writer.writeObject(count: bought.count, depth: depth, key: { goodIDs[bought[$0]] }) { writer, j, _ in
                            writer.writeNumber(self.consumption[c, bought[j]])
                        }
                    }
                default:
                    writer.write(members[k].value, depth: depth)
                }
            }
        }
    }

    /// Each consumers' council's goods received (those with a positive amount), as a value.
    private func consumptionValue(for economy: Economy) -> JSONValue {
        let goodIDs = economy.goods.map(\.id)
        return .object(JSONObject(economy.consumersCouncils.ids.enumerated().map { c, id in
            .init(key: id, value: .object(JSONObject((0..<economy.goodCount).compactMap { i in
                self.consumption[c, i] > 0 ? .init(key: goodIDs[i], value: .number(self.consumption[c, i])) : nil
            })))
        }))
    }

    private static func map(_ ids: [String], _ values: [Double]) -> JSONValue {
        .object(JSONObject(zip(ids, values).map { .init(key: $0, value: .number($1)) }))
    }

    /// The document's members, with `activity` and `consumption` as those members' values.
    private func jsonMembers(for economy: Economy, activity: JSONValue, consumption: JSONValue) -> [JSONObject.Member] {
        let map = Self.map
        let goodIDs = economy.goods.map(\.id)
        let goods = JSONValue.object(JSONObject(economy.goods.indices.map { i in
            .init(key: goodIDs[i], value: .object(JSONObject([
                .init(key: "supply", value: .number(supply[i])),
                .init(key: "use", value: .number(use[i])),
                .init(key: "excessDemand", value: .number(excessDemand[i])),
                .init(key: "relativeImbalance", value: .number(relativeImbalance[i])),
            ])))
        }))
        let resources = JSONValue.object(JSONObject(economy.resources.indices.map { r in
            .init(key: economy.resources[r].id, value: .object(JSONObject([
                .init(key: "available", value: .number(economy.resources[r].available)),
                .init(key: "use", value: .number(resourceUse[r])),
            ])))
        }))
        var members: [JSONObject.Member] = [
            .init(key: "format", value: .string("parecon-plan/1")),
            .init(key: "economy", value: .string(economy.name)),
            .init(key: "status", value: .string(status.rawValue)),
            .init(key: "mode", value: .string(mode.rawValue)),
            .init(key: "board", value: .string(settings.board.rawValue)),
            .init(key: "safeguardRounds", value: .number(Double(safeguardRounds))),
            .init(key: "rounds", value: .number(Double(rounds))),
            .init(key: "seconds", value: .number(seconds)),
            .init(key: "tolerance", value: .number(settings.tolerance)),
            .init(key: "maxRelativeImbalance", value: .number(maxRelativeImbalance)),
            .init(key: "maxRelativeRevision", value: .number(maxRelativeRevision)),
            .init(key: "welfare", value: .number(welfare)),
            .init(key: "prices", value: map(goodIDs, prices)),
            .init(key: "resourcePrices", value: map(economy.resources.map(\.id), resourcePrices)),
            .init(key: "activity", value: activity),
            .init(key: "consumption", value: consumption),
            .init(key: "goods", value: goods),
            .init(key: "resources", value: resources),
        ]
        members.append(.init(key: "communication", value: .object(JSONObject([
            .init(key: "pricesPublished", value: .number(Double(pricesPublished))),
            .init(key: "proposalNumbersReceived", value: .number(Double(proposalNumbersReceived))),
        ]))))
        return members
    }
}
