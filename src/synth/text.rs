//! Japanese words and phrases the synthetic sheets are made of, in the
//! register of real evaluation sheets.

use super::Rng;

pub const OUTLINES: [&str; 8] = [
    "行財政運営の効率化",
    "子育て・教育の充実",
    "健康・福祉の増進",
    "安全・安心なまちづくり",
    "産業の振興と雇用の創出",
    "都市基盤の整備",
    "自然環境の保全",
    "市民協働の推進",
];

pub const DEPARTMENTS: [&str; 20] = [
    "常創戦略課",
    "企画課",
    "財政課",
    "総務課",
    "市民協働課",
    "子育て支援課",
    "学校教育課",
    "生涯学習課",
    "健康推進課",
    "高齢福祉課",
    "社会福祉課",
    "防災危機管理課",
    "農政課",
    "商工観光課",
    "都市計画課",
    "道路課",
    "下水道課",
    "環境課",
    "アグリサイエンスバレー整備課",
    "情報政策課",
];

const THEMES: [&str; 30] = [
    "子育て支援",
    "高齢者見守り",
    "道路維持補修",
    "防災備蓄",
    "観光振興",
    "農業担い手育成",
    "図書館運営",
    "公園整備",
    "ごみ減量化",
    "特定健康診査",
    "地域公共交通",
    "空き家対策",
    "移住定住促進",
    "学校給食",
    "文化財保護",
    "定住自立圏構想",
    "東京農業大学との包括連携",
    "消防団活動",
    "自主防災組織育成",
    "商店街活性化",
    "創業支援",
    "スポーツ振興",
    "放課後児童クラブ",
    "介護予防",
    "障害者就労支援",
    "河川維持管理",
    "橋梁長寿命化",
    "行政手続オンライン化",
    "ふるさと納税",
    "市民活動支援",
];

const PROGRAM_SUFFIXES: [&str; 6] = [
    "事業",
    "推進事業",
    "支援事業",
    "整備事業",
    "運営事業",
    "対策事業",
];

const POLICY_SUFFIXES: [&str; 5] = ["の推進", "の充実", "の強化", "", "事業"];

const DIRECTIONS: [&str; 12] = [
    "広域行政の展開",
    "連携事業の推進",
    "地域福祉の充実",
    "子育て環境の整備",
    "防災体制の強化",
    "農業経営の安定",
    "観光資源の活用",
    "公共施設の適正管理",
    "生活環境の向上",
    "市民参加の促進",
    "健康づくりの推進",
    "情報発信の強化",
];

const INDICATORS: [&str; 12] = [
    "市民満足度",
    "参加者数",
    "利用件数",
    "相談件数",
    "協定締結数",
    "講座開催回数",
    "認定者数",
    "整備延長",
    "受診率",
    "登録団体数",
    "来訪者数",
    "達成率",
];

const CLAUSES: [&str; 32] = [
    "関係機関との協議・調整を行い",
    "事業の進捗状況を確認するとともに",
    "市民の意見を踏まえ",
    "前年度の実績を検証し",
    "効果的な事業手法の検討を行った",
    "説明会を開催し、参加者アンケートを実施した",
    "国・県の補助制度を活用し",
    "対象者への周知を強化した",
    "目標値を上回る成果が得られた",
    "一部の事業で遅れが生じた",
    "担当課と連携して",
    "財源の確保に努める",
    "次年度以降も継続して取り組む",
    "地域の実情に応じた支援を行う",
    "事務局会議、ワーキンググループ会議を実施した",
    "新型コロナウイルス感染症の影響により規模を縮小した",
    "連携自治体の枠組みについても調査・研究を行う",
    "費用対効果を検証したうえで",
    "利用者の利便性向上を図るため",
    "民間事業者のノウハウを活用し",
    "広報紙やホームページで情報を発信した",
    "計画どおり事業を実施した",
    "議会の議決を得る必要があるほか",
    "マネジメントが十分でないことから",
    "成果指標の見直しを検討する",
    "アンケート結果では「満足」、「やや満足」の割合が上昇した",
    "地域住民や関係団体と協働し",
    "施設の老朽化に対応するため",
    "令和2年度の取組みを踏まえ",
    "事業の必要性を改めて精査し",
    "中間報告会の意見を踏まえ",
    "補助金の交付要件を見直した",
];

/// A sentence of about `min`–`max` characters, ending in 。.
pub fn sentence(rng: &mut Rng, min: usize, max: usize) -> String {
    let goal = min + rng.below(max.saturating_sub(min).max(1));
    let mut s = String::new();
    let mut chars = 0;
    while chars < goal {
        let clause = rng.pick(&CLAUSES);
        if chars > 0 {
            s.push(if rng.chance(0.6) { '、' } else { '。' });
            chars += 1;
        }
        s.push_str(clause);
        chars += clause.chars().count();
    }
    s.push('。');
    s
}

pub fn program_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(&THEMES), rng.pick(&PROGRAM_SUFFIXES))
}

pub fn policy_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(&THEMES), rng.pick(&POLICY_SUFFIXES))
}

pub fn direction_name(rng: &mut Rng) -> String {
    rng.pick(&DIRECTIONS).to_string()
}

pub fn indicator_name(rng: &mut Rng) -> String {
    format!("{}の{}", rng.pick(&THEMES), rng.pick(&INDICATORS))
}
