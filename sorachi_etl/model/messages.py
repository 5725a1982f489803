"""One catalogue of every sentence the library says to a user: a code and a Japanese template.

Two kinds of codes live here: findings about a returned workbook (values, in a
`Report`; see `findings`), and the errors that stop a run (raised as a
`SorachiError` with the code and its values; see `errors`). Tests assert codes;
people read the messages, which say where, what is wrong and how to fix it.

Placeholders a finding's template may use: {where} (e.g. 調査実績!E7), {value},
{item}, and any keyword passed to `message()`.
"""

from __future__ import annotations

from typing import Literal

Severity = Literal["error", "warning"]

ERROR: Severity = "error"
WARNING: Severity = "warning"

# code -> (severity, message template)
CATALOGUE: dict[str, tuple[Severity, str]] = {
    # --- values typed into 調査実績 -------------------------------------------------
    "date_in_number": (
        ERROR,
        "{where}は日付・時刻の「{value}」になっています（「9/16」や「12:30」のような入力はExcelが日付・時刻に変えます）。数値を半角数字で入力してください（例:12345）。",
    ),
    "not_a_number": (
        ERROR,
        "{where}「{value}」は数値として読めません。半角数字で入力してください（例:12345）。",
    ),
    "negative": (ERROR, "{where}「{value}」はマイナスの値です。0以上の数値を入力してください。"),
    "out_of_range": (
        ERROR,
        "{where}「{value}」は{item}の値として大きすぎます（上限{limit}）。桁や単位を確認してください。",
    ),
    "not_integer": (
        ERROR,
        "{where}「{value}」は{item}の値ですが小数になっています。整数で入力してください。",
    ),
    "unit_mismatch": (
        ERROR,
        "{where}「{value}」の単位が{item}の単位（{unit}）と違います。{unit}で数値だけを入力してください。",
    ),
    "approximate_value": (
        ERROR,
        "「{value}」はおおよその値です。確定した数値を半角数字で入力してください（まだ確定していない場合は、実績値を空欄にして状態を「集計中」にしてください）。",
    ),
    "spelled_out_value": (
        WARNING,
        "{where}「{value}」を{number}として読み取りました。違う場合は、半角数字だけで入力し直してください。",
    ),
    "other_year": (
        WARNING,
        "この調査票は{year}の調査票です（いま集めているのは{current}）。{year}の値として取り込みます。年度を確認してください。",
    ),
    "excel_error": (
        ERROR,
        "{where}はExcelのエラー値「{value}」になっています。計算式をやめ、数値を直接入力してください。",
    ),
    "formula_no_value": (
        ERROR,
        "{where}は計算式ですが、計算結果が保存されていません。Excelで開いて保存し直すか、数値を直接入力してください。",
    ),
    "formula_text": (
        ERROR,
        "{where}「{value}」は計算式のように見えます。数値か文字だけを入力してください（先頭の「=」「+」「-」「@」は使えません）。",
    ),
    "pending_with_value": (
        ERROR,
        "{where}は状態が「{status}」なのに数値「{value}」が入っています。確定した値なら状態を「確定」に、集計中なら数値を消してください。",
    ),
    "status_without_value": (
        ERROR,
        "{where}は状態が「確定」なのに実績値が空欄です。数値を入力するか、状態を「集計中」にしてください。",
    ),
    "status_conflict": (
        ERROR,
        "{where}は「{value}」と入力されていますが、状態が「確定」になっています。確定した数値を入力するか、状態を「{typed}」にしてください。",
    ),
    "value_missing": (
        ERROR,
        "{item}（{where}）の実績値が空欄です。数値を入力するか、集計中なら状態を「集計中」にしてください。",
    ),
    "unknown_status": (
        ERROR,
        "{where}の状態「{value}」は使えません。「確定」「集計中」「該当なし」から選んでください。",
    ),
    "large_change": (
        WARNING,
        "{where}「{value}」は前年度（{previous}）から{change}変化しています。桁や単位に誤りがないか確認してください。",
    ),
    "status_missing": (
        WARNING,
        "{where}の状態が空欄です。数値が入っているので「確定」として扱いました。違う場合は状態を選んでください。",
    ),
    "empty_row": (WARNING, "{where}の行に調査項目がありません。不要な行なら削除してください。"),
    # --- rows of 調査実績 ---------------------------------------------------------
    "missing_measure": (
        ERROR,
        "シート「{sheet}」に調査項目「{item}」の行がありません。送付した調査票の行を消さずに記入してください。",
    ),
    "unknown_measure": (
        ERROR,
        "{where}の調査項目「{value}」はこの報告者の調査項目ではありません。送付した調査票の項目名を変えずに記入してください。",
    ),
    "duplicate_measure": (
        ERROR,
        "{where}の調査項目「{item}」が重複しています（{first}と同じ項目）。1行にまとめてください。",
    ),
    # --- 取組 -----------------------------------------------------------------------
    "required_text": (ERROR, "{where}の{column}が空欄です。入力してください。"),
    "info_missing": (
        WARNING,
        "{where}の{column}が空欄です。問い合わせ先として、次回からは入力してください。",
    ),
    "duplicate_initiative": (
        ERROR,
        "{where}の取組名「{value}」が重複しています（{first}と同じ取組名）。1行にまとめるか、取組名を区別してください。",
    ),
    "bad_date": (
        ERROR,
        "{where}「{value}」は日付として読めません。「2024/9/16」の形で入力してください。",
    ),
    "date_outside_year": (
        ERROR,
        "{where}の日付「{value}」は{year}（{start}～{end}）の範囲外です。年度を確認してください。",
    ),
    "date_order": (
        ERROR,
        "{where}の終了日「{value}」が開始日「{start}」より前になっています。日付を確認してください。",
    ),
    "date_range_conflict": (
        ERROR,
        "{where}「{value}」は期間ですが、終了日（{end}）と合いません。開始日には最初の日だけを、終了日には最後の日を入力してください。",
    ),
    "unknown_project": (
        ERROR,
        "{where}のプロジェクト「{value}」が見つかりません。一覧から選んでください。",
    ),
    "text_too_long": (
        ERROR,
        "{where}の文字数が多すぎます（{length}文字、上限{limit}文字）。短くしてください。",
    ),
    "control_chars": (
        WARNING,
        "{where}に使えない文字（制御文字など、Excelのファイルに保存できない文字）が含まれていたため取り除きました。内容を確認してください。",
    ),
    # --- the workbook as a whole --------------------------------------------------
    "file_name_chars": (
        WARNING,
        "ファイル名に使えない文字（制御文字など、Excelのファイルに保存できない文字）が含まれています。マスタの記録（出典ファイル・取込履歴）には、それを取り除いた名前「{name}」で残します。",
    ),
    "missing_sheet": (
        ERROR,
        "シート「{sheet}」がありません。{hint}送付した調査票を使って記入してください。",
    ),
    "missing_column": (
        ERROR,
        "シート「{sheet}」に列「{column}」がありません。{hint}見出しを変えずに記入してください。",
    ),
    "missing_meta": (
        ERROR,
        "調査票の管理用の非表示シートがありません（シートを新しいブックにコピーすると失われます）。お送りした調査票のファイルに直接記入して送ってもらってください。",
    ),
    "rows_after_gap": (
        ERROR,
        "{where}から下の行は、その上の空いた行（表の外にメモがある行）で表が終わっているため読み取れません。空いた行を削除して続けて入力するか、表の外のメモを消してください。",
    ),
    "duplicate_column": (
        ERROR,
        "シート「{sheet}」に見出し「{column}」の列が2つあります（{first}と{second}）。どちらの値を使うか決められないため、取り込みません。不要な列を削除してください。",
    ),
    "blank_survey": (
        ERROR,
        "調査票に何も入力されていません（実績値も取組も空欄です）。送付したままの調査票が届いた可能性があります。記入した調査票を送ってもらってください（このファイルは取り込みません）。",
    ),
    "file_name_reporter": (
        WARNING,
        "ファイル名の市町名「{value}」が報告者名と違いますが、調査票の記録と基本情報がどちらも「{reporter}」なので、{reporter}の調査票として読みました。次回はファイル名を変えずに送ってもらってください。",
    ),
    "reporter_mismatch": (
        ERROR,
        "報告者が一致しません（{detail}）。その市町あてに送付した調査票に記入し、ファイル名や市町名を変えずに送ってください。",
    ),
    "year_mismatch": (
        ERROR,
        "年度が一致しません（{detail}）。{year}の調査票に記入し、ファイル名を変えずに送ってください。",
    ),
    # the file is of one year throughout, but not the year given with --year
    "year_not_asked": (
        ERROR,
        "この調査票は{found}のものです（--year の指定は{year}）。指定が違う場合は --year {found_short} で実行し直してください。{year}の調査票が必要な場合は、{year}の調査票に記入して送ってもらってください。",
    ),
    "unknown_reporter": (ERROR, "報告者「{value}」はマスタの市町一覧にありません。{hint}"),
    "old_template": (
        WARNING,
        "古い様式（版{value}）の調査票です。現在の版は{current}です。次回からは新しい調査票を使ってください。",
    ),
    "duplicate_submission": (
        WARNING,
        "{reporter}の調査票が複数あります。新しい方（{newer}）を使い、{older}は取り込みません。{newer}は{reason}。違う場合は不要なファイルをフォルダから外してください。",
    ),
    "hidden_content": (
        WARNING,
        "{where}が非表示になっています。非表示の行やシートの内容も読み取っています。内容を確認してください。",
    ),
    "merged_input": (
        ERROR,
        "{where}のセルが結合されています。入力欄のセル結合を解除してください。",
    ),
    "date1904": (
        WARNING,
        "この調査票は1904年日付システムで保存されています。日付は換算して読み取りました。内容を確認してください。",
    ),
    "faked_formula_value": (
        ERROR,
        "{where}は計算式で、保存されている値が「{value}」です。計算結果が正しく保存されていない可能性があるため取り込みません。計算式をやめ、数値を直接入力してください。",
    ),
    # --- the master workbook ------------------------------------------------------
    "master_log_missing": (
        WARNING,
        "マスタにシート「{sheet}」がありません。どの調査票をいつ取り込んだかの記録がないため、提出状況は取り込まれた実績値からわかる範囲で表示します（要修正・一部受付だった市町が「未提出」と表示されることがあります）。backup フォルダにある前のマスタから、このシートをコピーして戻してください（Excel の「移動またはコピー」）。",
    ),
    "master_log_short": (
        WARNING,
        "マスタのシート「{sheet}」に、取り込んだ調査票{files}の記録がありません（行やシートを消したあとに取り込んだ場合など）。提出状況は取り込まれた実績値からわかる範囲で表示します（要修正・一部受付だった市町が「未提出」と表示されることがあります）。backup フォルダにある前のマスタのシート「{sheet}」から、消えた行をコピーして戻してください。",
    ),
    "master_log_renamed": (
        WARNING,
        "マスタにシート「{sheet}」がありません（「{found}」のことですか？）。どの調査票をいつ取り込んだかの記録が読めないため、提出状況は取り込まれた実績値からわかる範囲で表示します（要修正・一部受付だった市町が「未提出」と表示されることがあります）。シート名を「{sheet}」に戻してください。",
    ),
    "master_staff_sheet_renamed": (
        ERROR,
        "マスタにシート「{sheet}」がありません（「{found}」のことですか？）。sorachi-etl は「{sheet}」という名前のシートに書かれた文だけを使います。シート名を「{sheet}」に戻してください。",
    ),
    "master_missing_sheet": (
        ERROR,
        "マスタにシート「{sheet}」がありません。{hint}シートを元に戻すか、sorachi-etl init で作り直してください。",
    ),
    "master_missing_column": (
        ERROR,
        "マスタのシート「{sheet}」に列「{column}」が見つかりません。{hint}（ツールが使う列の見出しを変えたり列を削除したりすると、その列の値がすべて読めなくなります。）",
    ),
    "master_bad_value": (ERROR, "マスタの{where}「{value}」は{column}として読めません。{hint}"),
    "master_header_moved": (
        ERROR,
        "マスタのシート「{sheet}」の見出しの行が{row}行目にあり、その上に{count}行のデータがあります。並べ替えのときに見出しの行まで並べ替えられたようです。見出しの行を1行目に戻してください（Excel の「元に戻す」か、backup フォルダのバックアップで戻せます）。",
    ),
    "master_merged_cells": (
        ERROR,
        "マスタの{where}はセルが結合されています。この表は1行に1件ずつ読み書きするため、結合を解除し、各行にそれぞれの値を入れてください。",
    ),
    "master_required": (ERROR, "マスタの{where}の{column}が空欄です。入力してください。"),
    "master_out_of_range": (
        ERROR,
        "マスタの{where}「{value}」は{column}として範囲外です（{limit}）。",
    ),
    "master_not_in_choices": (
        ERROR,
        "マスタの{where}「{value}」は{column}に使えません。{choices}のどれかにしてください。",
    ),
    "master_duplicate": (
        ERROR,
        "マスタの{where}の{column}「{value}」が重複しています。1行にまとめてください。",
    ),
    "master_removed_chars": (
        WARNING,
        "マスタの{where}の{column}に使えない文字（制御文字など）があったため、取り除いて読みました。セルの文字を確認してください。",
    ),
    "master_plan_reversed": (
        ERROR,
        "マスタの{where}の計画開始年度（{start}）が計画終了年度（{end}）より後になっています。開始と終了の年度を確認してください。",
    ),
    "master_unknown_ref": (
        ERROR,
        "マスタの{where}の{column}「{value}」が{target}にありません。{hint}",
    ),
    # --- files that cannot be read -------------------------------------------------
    "encrypted": (
        ERROR,
        "パスワード付きのファイルです。パスワードを外して送り直してもらってください（.xlsx と .xls は --password でパスワードを指定して開くこともできます）。",
    ),
    "wrong_password": (
        ERROR,
        "パスワードが違うため開けません。正しいパスワードを確認してください。",
    ),
    "legacy_xls": (
        ERROR,
        "Excel 95 以前の古い形式のファイルです。Excelで「Excelブック（*.xlsx）」として保存し直して送ってもらってください。",
    ),
    "xlsm": (
        ERROR,
        "マクロ付きブック（.xlsm）です。安全のため読み取りません（マクロは実行していません）。「Excelブック（*.xlsx）」として保存し直して送ってもらってください。",
    ),
    "xlsb": (
        ERROR,
        "バイナリ形式のExcelブック（.xlsb）です。「Excelブック（*.xlsx）」として保存し直して送ってもらってください。",
    ),
    "not_excel": (
        ERROR,
        "Excelブックではありません（{kind}）。送付した調査票（.xlsx）に記入して送ってもらってください。",
    ),
    "empty_file": (
        ERROR,
        "ファイルが空です（0バイト）。送信時に壊れた可能性があります。もう一度送ってもらってください。",
    ),
    "corrupt": (
        ERROR,
        "ファイルが壊れていて開けません（{detail}）。もう一度送ってもらってください。",
    ),
    "too_large": (
        ERROR,
        "ファイルの中身が大きすぎます（{detail}）。安全のため読み取りません。送付した調査票に記入して送ってもらってください。",
    ),
    "unsafe_archive": (
        ERROR,
        "ファイルの構造に危険な点があります（{detail}）。安全のため読み取りません。送付した調査票に記入して送ってもらってください。",
    ),
    "sheet_too_big": (
        ERROR,
        "シート「{sheet}」の使用範囲が大きすぎます（{detail}）。安全のため読み取りません。不要な行・列を削除して保存し直してもらってください。",
    ),
    "no_sheets": (
        ERROR,
        "シートが1枚もありません。送付した調査票に記入して送ってもらってください。",
    ),
    "not_survey": (
        ERROR,
        "送付した調査票ではありません（{detail}）。送付した調査票に記入して送ってもらってください。",
    ),
    "unreadable": (ERROR, "ファイルを読み取れません（{detail}）。もう一度送ってもらってください。"),
    # --- what was found beside the returns and not read (one note per run) -----------
    "skipped_not_survey": (
        WARNING,
        "調査票ではないファイルを読み飛ばしました（{count}件）: {files}",
    ),
    "skipped_own": (
        WARNING,
        "このツールが作ったファイルは調査票として読みませんでした: {files}。"
        "返ってきた調査票がこの中にあれば、回収のフォルダに移してください。",
    ),
    "check_failed": (
        ERROR,
        "この調査票の点検中に予期しない問題が起きました。このファイルは取り込みません。「Excelブック（*.xlsx）」として保存し直して送ってもらってください（--debug を付けて実行すると詳細が表示されます）。",
    ),
    # --- files read, with a word for next time -------------------------------------
    "legacy_format": (
        WARNING,
        "この調査票は{format}で保存されています。読み取りましたが、次回は「Excelブック（*.xlsx）」の形式で保存して送ってもらってください（LibreOffice では保存時に「Excel 2007-365」を選び、「現在の形式を使用」は選ばないでください）。",
    ),
    "too_many_rows": (
        ERROR,
        "シート「{sheet}」の表に{count}行あり、上限の{limit}行を超えています（{where}以降）。{what}",
    ),
    "template_outside_plan": (
        ERROR,
        "{year}は計画期間（{start}～{end}）の外です。--year の年度を確認してください（例: R6）。計画期間を延ばすときは、マスタのシート「設定」の計画開始年度・計画終了年度を直してから実行してください。",
    ),
    # what the copy mailed back (validate --annotate) says instead of a line for the clerk
    "sender_part_held_back": (
        WARNING,
        "{part}に修正が必要な箇所があるため、{part}は受け付けていません（{other}は受け付けました）。{part}を修正のうえ、調査票全体をもう一度送ってください。",
    ),
    "sender_missing_meta": (
        ERROR,
        "調査票の管理用の非表示シートがありません（シートを新しいブックにコピーすると失われます）。お送りした調査票のファイルに直接記入して送ってください。",
    ),
    "sender_blank_survey": (
        ERROR,
        "調査票に何も入力されていません（実績値も取組も空欄です）。記入した調査票を送ってください。",
    ),
    "sender_file_name_reporter": (
        WARNING,
        "ファイル名の市町名「{value}」が報告者名と違いますが、{reporter}の調査票として受け付けました。次回はファイル名を変えずに送ってください。",
    ),
    "sender_year_not_asked": (
        ERROR,
        "この調査票は{value}のものです。今回お送りした調査票の年度を確かめ、その調査票に記入して、ファイル名を変えずに送ってください。",
    ),
    "part_held_back": (
        WARNING,
        "{part}に修正が必要なため、{part}は取り込みません。{other}は取り込みます（一部受付）。{part}を直して、調査票全体を送り直してもらってください。",
    ),
    "recommended_text": (
        WARNING,
        "{where}の{column}が空欄です。報告書に載せる内容のため、できるだけ入力してください（空欄のままでも受け付けます）。",
    ),
    "implementer_defaulted": (
        WARNING,
        "{where}の実施主体が空欄のため「{value}」としました。違う場合は入力してください。",
    ),
    "log_part_held_back": (WARNING, "{part}は修正が必要なため取り込んでいません。"),
    # --- the reminder (status --reminder), one wording per situation ------------------
    "reminder_title": (WARNING, "【{year} 調査票のご提出について（確認のお願い）】"),
    "reminder_contact": (WARNING, "問い合わせ先: {contact}"),
    "reminder_none": (WARNING, "すべての報告者から提出済みで、集計中の項目もありません。"),
    "reminder_no_reporters": (
        WARNING,
        "報告者が登録されていません。マスタのシート「市町」と「調査項目」を確認してください。",
    ),
    "remind_missing": (
        WARNING,
        "調査票が未提出です。提出期限（{deadline}）までにご提出をお願いします。",
    ),
    "remind_missing_no_deadline": (WARNING, "調査票が未提出です。ご提出をお願いします。"),
    "remind_missing_overdue": (
        WARNING,
        "調査票が未提出です。提出期限（{deadline}）を過ぎていますので、至急ご提出をお願いします。",
    ),
    "remind_invalid": (
        WARNING,
        "ご提出の調査票に修正が必要な箇所があります。確認事項をお送りしますので、修正のうえ再提出をお願いします。",
    ),
    "remind_partial_values": (
        WARNING,
        "ご提出の調査票のうち、実績値（シート「調査実績」）に修正が必要な箇所があります（取組は受け付けました）。確認事項をお送りしますので、実績値を修正のうえ再提出をお願いします。",
    ),
    "remind_partial_initiatives": (
        WARNING,
        "ご提出の調査票のうち、取組（シート「取組」）に修正が必要な箇所があります（実績値は受け付けました）。確認事項をお送りしますので、取組を修正のうえ再提出をお願いします。",
    ),
    "remind_pending": (
        WARNING,
        "次の項目が「集計中」です。確定しましたらご連絡ください: {items}",
    ),
    # a file that could not be read: its reason, and what to do, in the sender's words
    "remind_encrypted": (
        WARNING,
        "届いた調査票{file}を読み取れません（パスワードが付いています）。パスワードを外して保存し直し、送ってください。",
    ),
    "remind_wrong_password": (
        WARNING,
        "届いた調査票{file}を読み取れません（お知らせいただいたパスワードで開けません）。パスワードを外して保存し直し、送ってください。",
    ),
    "remind_xlsm": (
        WARNING,
        "届いた調査票{file}を読み取れません（マクロ付きブック（.xlsm）で保存されています）。「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    "remind_xlsb": (
        WARNING,
        "届いた調査票{file}を読み取れません（バイナリ形式（.xlsb）で保存されています）。「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    "remind_legacy_xls": (
        WARNING,
        "届いた調査票{file}を読み取れません（Excel 95 以前の古い形式で保存されています）。「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    "remind_not_excel": (
        WARNING,
        "届いた調査票{file}を読み取れません（Excelのブックではありません）。お送りした調査票に記入し、「Excelブック（*.xlsx）」の形式で保存して送ってください。",
    ),
    "remind_empty_file": (
        WARNING,
        "届いた調査票{file}を読み取れません（ファイルが空です。送信の途中で壊れた可能性があります）。保存した調査票をもう一度送ってください。",
    ),
    "remind_corrupt": (
        WARNING,
        "届いた調査票{file}を読み取れません（ファイルが壊れています）。Excelで開けることを確かめてから、「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    "remind_too_large": (
        WARNING,
        "届いた調査票{file}を読み取れません（ファイルの中身が大きすぎます）。お送りした調査票に記入し、シートや画像を加えずに「Excelブック（*.xlsx）」の形式で保存して送ってください。",
    ),
    "remind_sheet_too_big": (
        WARNING,
        "届いた調査票{file}を読み取れません（シートの使用範囲が大きすぎます）。表の外の不要な行・列を削除し、「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    "remind_unsafe_archive": (
        WARNING,
        "届いた調査票{file}を読み取れません（ファイルの構造に安全でない点があります）。お送りした調査票に記入し、「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    "remind_no_sheets": (
        WARNING,
        "届いた調査票{file}を読み取れません（シートがありません）。お送りした調査票に記入し、「Excelブック（*.xlsx）」の形式で保存して送ってください。",
    ),
    "remind_not_survey": (
        WARNING,
        "届いた調査票{file}を読み取れません（お送りした調査票とは別のファイルです）。お送りした調査票に記入し、「Excelブック（*.xlsx）」の形式で保存して送ってください。",
    ),
    "remind_unreadable": (
        WARNING,
        "届いた調査票{file}を読み取れません（ファイルを開けません）。「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    "remind_check_failed": (
        WARNING,
        "届いた調査票{file}を読み取れません（読み取りの途中で問題が起きました）。お手数ですが、「Excelブック（*.xlsx）」の形式で保存し直して送ってください。",
    ),
    # === errors that stop a run (raised as SorachiError and its subclasses) ==============
    # --- the master workbook ------------------------------------------------------
    "master_not_found": (
        ERROR,
        "マスタ「{path}」が見つかりません。パスを確認するか、sorachi-etl init で作成してください。",
    ),
    "master_unreadable": (
        ERROR,
        "マスタ「{name}」を開けません（{detail}）。Excelで開けるか確認し、開けない場合はバックアップ（backup フォルダ）から戻してください。",
    ),
    "master_invalid": (
        ERROR,
        "マスタ「{name}」に問題があるため処理を中止しました（{count}件）。",
    ),
    "master_at_risk": (
        ERROR,
        "マスタ「{name}」には、このツールで保存すると消えてしまうもの（下記）があるため、書き込みを中止しました。これらは別のブックに移すか削除してから、もう一度実行してください。マスタは変更していません。",
    ),
    "master_check_failed": (
        ERROR,
        "マスタ「{name}」に書き込む内容を確かめたところ、Excelで正しく開けない状態だったため、書き込みを中止しました（{detail}）。マスタは変更していません。--debug を付けて実行した結果を、取り込んだ調査票と一緒にツールの担当者に知らせてください。",
    ),
    "master_open_elsewhere": (
        ERROR,
        "マスタ「{name}」は {program} で開かれています{who}。ロックファイル「{lock}」があるため、書き込みません。ファイルを閉じてから、もう一度実行してください。",
    ),
    "master_lock_left_over_older": (
        ERROR,
        "マスタ「{name}」の {program} のロックファイル「{lock}」{who}は、マスタが最後に保存されるより前に作られたもので、{program} が異常終了したあとに残っただけかもしれません。だれもマスタを開いていないことを確かめてから、--force-unlock を付けて実行してください（このロックファイルだけを削除して続けます）。手で削除する場合のファイル: {path}（Windows では隠しファイルです）",
    ),
    "master_lock_left_over_no_soffice": (
        ERROR,
        "マスタ「{name}」の LibreOffice のロックファイル「{lock}」{who}が残っていますが、この端末（{host}）では LibreOffice が動いていないため、異常終了したあとに残ったものです。--force-unlock を付けて実行すると、このロックファイルだけを削除して続けます。手で削除する場合のファイル: {path}（Windows では隠しファイルです）",
    ),
    "sample_photos_not_copied": (
        WARNING,
        "見本の写真をフォルダ「{folder}」に置けませんでした（{reason}）。マスタは作成しました。報告書（publish）に見本の写真を載せるには、同じ名前のファイルを移すか書き込めるようにしてから、マスタを --force で作り直してください。",
    ),
    "office_lock_removed": (
        WARNING,
        "--force-unlock の指定により、{program} のロックファイル「{lock}」{who}を削除しました。",
    ),
    "office_lock_remove_failed": (
        ERROR,
        "ロックファイル「{path}」を削除できませんでした。ファイルの権限を確認するか、手で削除してから、もう一度実行してください。マスタは変更していません。",
    ),
    "master_busy": (
        ERROR,
        "マスタ「{name}」は、別の{what}（{user}、{host}、{started}開始）が実行中です。終わるのを待ってから、もう一度実行してください。マスタは変更していません。",
    ),
    "master_busy_elsewhere": (
        ERROR,
        "マスタ「{name}」は、別の{what}（{user}、{host}、{started}開始）が実行中です。終わるのを待ってから、もう一度実行してください。その端末で処理が途中で止まっていて実行中でないことが確かな場合は、--force-unlock を付けて実行してください（ロックファイル「{lock}」を削除して続けます）。マスタは変更していません。",
    ),
    "master_busy_unknown": (
        ERROR,
        "マスタ「{name}」は、別の取込が使用中です（ロックファイル「{lock}」の内容は読み取れませんでした）。少し待ってから、もう一度実行してください。実行中の取込がないことが確かな場合は、--force-unlock を付けて実行してください。マスタは変更していません。",
    ),
    "lock_taken_over_ended": (
        WARNING,
        "前回の{what}（{user}、{host}、{started}開始）のロックファイル「{lock}」が残っていましたが、その処理はもう終了しているため、引き継いで実行します。",
    ),
    "lock_taken_over_old": (
        WARNING,
        "前回の{what}（{user}、{host}、{started}開始）のロックファイル「{lock}」が残っていましたが、時間がたちすぎているため、途中で止まったものとみなして引き継いで実行します。",
    ),
    "lock_taken_over_unreadable": (
        WARNING,
        "内容の読めない古いロックファイル「{lock}」が残っていたため、削除して実行します。",
    ),
    "lock_removed_forced": (
        WARNING,
        "--force-unlock の指定により、{what}（{user}、{host}、{started}開始）のロックファイル「{lock}」を削除して実行します。",
    ),
    "lock_removed_forced_unreadable": (
        WARNING,
        "--force-unlock の指定により、内容の読めないロックファイル「{lock}」を削除して実行します。",
    ),
    "master_changed_meanwhile": (
        ERROR,
        "マスタ「{name}」は、この処理が読み込んだあとに、ほかの人かプログラムによって保存されました。その内容を上書きしないよう、書き込みを中止しました（マスタは変更していません）。もう一度実行してください。",
    ),
    "master_in_use": (
        ERROR,
        "マスタ「{name}」を置き換えられませんでした。ほかのプログラム（Excel など）が開いています。閉じてから、もう一度実行してください（ファイルが読み取り専用になっている場合は、それも外してください）。マスタは変更していません。",
    ),
    "master_write_denied": (
        ERROR,
        "マスタ「{name}」を書き込めません（フォルダへの書き込み権限がありません）。保存先のフォルダを確認してください。マスタは変更していません。",
    ),
    "master_is_backup": (
        ERROR,
        "「{name}」は backup フォルダにあるマスタのバックアップです。書き込むのは今のマスタ「{master}」にしてください（--master {master}）。このバックアップの内容に戻す場合は、backup フォルダの外へコピーし、名前を付け直してから指定してください。",
    ),
    "master_read_only": (
        ERROR,
        "マスタ「{name}」は読み取り専用になっているため書き込みませんでした。マスタは変更していません。書き込んでよい場合は、ファイルのプロパティで「読み取り専用」のチェックを外してから、もう一度実行してください。",
    ),
    "master_backup_not_folder": (
        ERROR,
        "マスタ「{name}」のバックアップを置くフォルダ「{folder}」と同じ名前のファイルがあるため、保存できませんでした。マスタは変更していません。そのファイルの名前を変えるか別の場所へ移してから、もう一度実行してください。",
    ),
    "master_save_failed": (
        ERROR,
        "マスタ「{name}」を保存できませんでした（{reason}）。マスタは変更していません。",
    ),
    "master_is_survey": (
        ERROR,
        "「{name}」は調査票です。--master にはマスタブック（sorachi-etl init で作ったもの、例: master.xlsx）を指定してください。",
    ),
    "master_not_master": (
        ERROR,
        "「{name}」はマスタブックではありません（{detail}）。--master にはマスタブック（sorachi-etl init で作ったもの、例: master.xlsx）を指定してください。",
    ),
    "master_name_full_width_xlsx": (
        ERROR,
        "マスタのファイル名「{name}」は拡張子が全角で書かれています。半角の .xlsx で終わる名前（例: {example}）にしてください。",
    ),
    "master_name_not_xlsx": (
        ERROR,
        "マスタのファイル名は .xlsx で終わる名前にしてください（指定: {name}）。",
    ),
    "master_saved_as_other": (
        ERROR,
        "マスタ「{name}」は{kind}で保存されています。sorachi-etl が書き込めるのは Excel ブック（.xlsx）だけです。Excel か LibreOffice で開き、「Excel ブック（*.xlsx）」の形式で「{xlsx}」として保存し直して、それを --master に指定してください。",
    ),
    "master_is_owner_file": (
        ERROR,
        "「{name}」は、{program} がマスタ「{master}」を開いている間だけ作るロックファイルで、マスタではありません。--master には「{master}」を指定してください。",
    ),
    "master_named_like_owner_file": (
        ERROR,
        "「{name}」は Excel・LibreOffice のロックファイルと同じ形の名前のため、マスタには使えません（ほかのコマンドがロックファイルとして読み飛ばします）。「~$」や「.~lock.」で始まらない名前（例: master.xlsx）にしてください。",
    ),
    "master_exists": (
        ERROR,
        "「{path}」はすでにあります。上書きする場合は --force を付けてください。",
    ),
    # --- survey templates ---------------------------------------------------------
    "template_would_replace": (
        ERROR,
        "「{path}」にはすでに「{name}」があり、送付用に作ったときから変わっています（返ってきた調査票かもしれません）。上書きしないよう、調査票は1件も作りませんでした。別のフォルダを --out で指定するか、そのファイルを別のフォルダに移してから実行してください。",
    ),
    "template_file_open": (
        ERROR,
        "「{path}」の「{name}」は {program} で開かれています{who}（ロックファイル「{lock}」があります）。調査票は1件も作りませんでした。ファイルを閉じてから、もう一度実行してください。だれも開いていないのにロックファイルが残っている場合は、それを削除してから実行してください（Windows では隠しファイルです）。",
    ),
    "template_folder_in_the_way": (
        ERROR,
        "「{path}」には、調査票と同じ名前のフォルダ「{name}」があります。調査票は1件も作りませんでした。そのフォルダの名前を変えるか、別のフォルダを --out で指定してから実行してください。",
    ),
    "template_blank_read_only": (
        ERROR,
        "「{path}」の「{name}」は読み取り専用のため、作り直せません。調査票は1件も作りませんでした。読み取り専用を解除するか、別のフォルダを --out で指定してから実行してください。",
    ),
    "reporter_name_not_a_file_name": (
        ERROR,
        "市町「{name}」の名前には、ファイル名に使えない文字（{chars}）があるため、調査票（{file}）を作れません。調査票は1件も作りませんでした。マスタのシート「市町」の市町名を直してから実行してください。",
    ),
    "no_survey_reporters": (
        ERROR,
        "調査票を作る報告者がありません。マスタのシート「市町」と「調査項目」のグループを確認してください。",
    ),
    "reporter_without_measures": (
        ERROR,
        "報告者「{name}」には調査項目がありません。マスタのシート「調査項目」のグループを確認してください。",
    ),
    "base_template_missing_sheet": (
        ERROR,
        "基本様式「{name}」にシート「{sheet}」がありません。templates/make_base_template.py で作り直してください。",
    ),
    "base_template_missing_items": (
        ERROR,
        "基本様式のシート「{sheet}」に項目「{items}」がありません。templates/make_base_template.py で作り直してください。",
    ),
    "base_template_missing_columns": (
        ERROR,
        "基本様式のシート「{sheet}」に列「{items}」の見出しがありません。templates/make_base_template.py で作り直してください。",
    ),
    # --- files and folders a command writes or reads -------------------------------
    "file_in_use": (
        ERROR,
        "「{name}」を書き込めません。Excel などで開いている場合は閉じてから、もう一度実行してください。",
    ),
    "file_write_failed": (ERROR, "「{path}」に書き込めません（{reason}）。"),
    "name_only_spaces": (
        ERROR,
        "{option} に指定した名前「{name}」は空白だけです（Windows では作れない名前です）。名前を入れて指定してください（例: {example}）。",
    ),
    "path_too_long": (
        ERROR,
        "「{path}」は名前が長すぎます（ファイル名・フォルダ名を合わせた長さの上限を超えています）。ファイル名やフォルダ名を短くするか、浅いフォルダで実行してください。",
    ),
    "disk_full": (
        ERROR,
        "ディスクの空き容量が足りないため、書き込めませんでした（{path}）。不要なファイルを削除するか、別のドライブを指定してから、もう一度実行してください。",
    ),
    "folder_missing": (
        ERROR,
        "フォルダ「{path}」がありません。先にフォルダを作るか、パスを確認してください。",
    ),
    "folder_not_empty": (
        ERROR,
        "フォルダ「{path}」は空ではありません。新しいフォルダを指定してください。",
    ),
    "path_not_found": (ERROR, "{what}「{path}」が見つかりません。パスを確認してください。"),
    "file_given_for_folder": (
        ERROR,
        "「{path}」はフォルダではなくファイルです。{option} には書き出し先のフォルダを指定してください（例: {example}）。",
    ),
    "folder_given_for_file": (
        ERROR,
        "「{path}」はファイルではなくフォルダです。{option} にはファイルを指定してください（例: {example}）。",
    ),
    "file_in_path": (
        ERROR,
        "「{path}」はフォルダではなくファイルです。「{target}」のパスを確認してください。",
    ),
    "drive_missing": (
        ERROR,
        "ドライブ「{drive}」が見つかりません。ネットワークドライブなら接続を確認し、パスを確認してください。",
    ),
    "folder_not_writable": (
        ERROR,
        "フォルダ「{path}」に書き込めません（{reason}）。書き込みできるフォルダを指定してください。",
    ),
    "file_read_only": (
        ERROR,
        "「{path}」は読み取り専用のため上書きできません。別のファイル名を指定するか、読み取り専用を解除してください。",
    ),
    "output_is_workbook": (
        ERROR,
        "「{path}」はExcelブックです。上書きしないよう、書き出すファイルには別の名前（例: {example}）を指定してください。",
    ),
    "annotate_into_returns": (
        ERROR,
        "返送用のコピーの書き出し先「{path}」は、点検する調査票のフォルダです。別のフォルダ（例: 返送用）を指定してください。",
    ),
    "return_is_master": (
        ERROR,
        "「{name}」はマスタブックです。点検・取り込みには、返ってきた調査票かそのフォルダを指定してください（マスタは --master で指定します）。",
    ),
    "no_returns": (
        ERROR,
        "「{path}」に調査票がありません（調査票ではないファイルだけです: {files}）。返ってきた調査票かそのフォルダを指定してください。",
    ),
    "no_files": (ERROR, "「{path}」に点検するファイルがありません。パスを確認してください。"),
    # why a faulty return got no annotated copy: the reason in 「…を作れませんでした（理由）」
    "annotate_too_many_rows": (ERROR, "表の行数が上限を超えているため、コピーは作りません"),
    "annotate_in_use": (
        ERROR,
        "書き出し先のファイルが開かれているか、書き込みの権限がありません",
    ),
    "annotate_copy_open": (
        ERROR,
        "前に作った「{name}」が {program} で開かれています{who}。閉じてから、もう一度実行してください（だれも開いていないのにロックファイル「{lock}」が残っている場合は、それを削除してください）",
    ),
    "annotate_copy_read_only": (
        ERROR,
        "前に作った「{name}」が読み取り専用です。読み取り専用を解除するか、別のフォルダを --annotate で指定してください",
    ),
    "annotate_cannot_open": (ERROR, "このファイルは注記を付けたコピーを作れない形式です"),
    "annotate_unsupported": (
        ERROR,
        "「{name}」は、注記を付けたコピーを作れない形式で保存されています。",
    ),
    # --- options ------------------------------------------------------------------
    "bad_year_option": (ERROR, "--year の指定が読めません: {reason}"),
    "report_unknown_suffix": (
        ERROR,
        "「{name}」の拡張子から形式が分かりません。--format csv、md、json のどれかを付けるか、拡張子を .csv などにしてください。",
    ),
    "report_output_named_as_workbook": (
        ERROR,
        "「{name}」は Excel ブックの名前ですが、report が書き出すのは CSV・Markdown・JSON の文字のファイルです（Excel ブックの名前にすると、Excel が「形式と拡張子が一致しない」と開けません）。--output は {example} のように .csv で終わる名前にしてください（CSV は Excel で開けます）。",
    ),
    "report_suffix_not_format": (
        ERROR,
        "「{name}」は拡張子が --format {format} と合いません。--output を {example} にするか、--format を付けずに実行してください（拡張子から形式を決めます）。",
    ),
    "report_table_to_file": (
        ERROR,
        "--format table は画面表示用のため、ファイルには書き出せません。--format csv、md、json のどれかを指定してください。",
    ),
    # --- years and dates ------------------------------------------------------------
    "bad_fiscal_year": (
        ERROR,
        "「{value}」は年度として読めません。R6 や 令和6年度 の形で入力してください。",
    ),
    "fiscal_year_out_of_range": (
        ERROR,
        "「{value}」は年度として範囲外です（{low}～{high}年度）。",
    ),
    "fiscal_year_unprintable": (ERROR, "{year}年度は表示できません。"),
    "bad_date_value": (
        ERROR,
        "「{value}」は日付として読めません。2024/9/16 の形で入力してください。",
    ),
    "date_out_of_range": (ERROR, "「{value}」は日付として範囲外です。"),
    # --- the installation -----------------------------------------------------------
    "unsafe_xml_parser": (
        ERROR,
        "openpyxl が安全なXML読み取り（defusedxml）を使っていません。defusedxml をインストールし、環境変数 OPENPYXL_DEFUSEDXML を外してください。",
    ),
    # --- the published report (publish) ------------------------------------------
    "publish_no_projects": (
        ERROR,
        "マスタ「{master}」にはプロジェクトが1件もないため、報告書を作れません。シート「プロジェクト」などを入力してから、もう一度実行してください。",
    ),
    "publish_bad_format": (
        ERROR,
        "--format に「{value}」は指定できません。xlsx、pdf、html から選び、カンマで区切って指定してください（例: --format xlsx,html）。",
    ),
    "publish_file_open": (
        ERROR,
        "「{name}」は Excel などで開かれているため書き込めません。閉じてから、もう一度実行してください。",
    ),
    "publish_target_is_folder": (
        ERROR,
        "「{path}」はフォルダです。報告書を同じ名前で書き出せないので、このフォルダの名前を変えるか、{option} で別の書き出し先を指定してください。",
    ),
    "publish_cannot_write": (
        ERROR,
        "「{path}」に書き込めません（{detail}）。保存先のフォルダを確認してください。",
    ),
    "publish_project_blank": (
        WARNING,
        "シート「プロジェクト」で、プロジェクト{project}の「{column}」が空欄です（報告書のその欄は見出しだけになります）。入力してから、もう一度実行してください。",
    ),
    "publish_setting_blank": (
        WARNING,
        "シート「設定」の「{column}」が空欄です（{what}）。入力してから、もう一度実行してください。",
    ),
    "publish_no_values": (
        WARNING,
        "{year}の評価指標の値がマスタにないため、実績値と進捗率はすべて「—」になります。年度（--year）を確認してください。",
    ),
    "publish_no_past": (
        WARNING,
        "プロジェクト{project}には{years}の取組（区分「実績」）がシート「取組」にないため、「これまでの主な取組・成果」に載せるものがありません。",
    ),
    "publish_no_planned": (
        WARNING,
        "プロジェクト{project}には{year}の取組（区分「予定」）がシート「取組」にないため、「{heading}」に載せるものがありません。",
    ),
    "publish_removed_chars": (
        WARNING,
        "{item}に使えない文字（制御文字など）があったため、取り除いて載せました。マスタの文字を確認してください。",
    ),
    "photo_missing": (
        WARNING,
        "{where}（取組名「{item}」）の写真「{value}」が見つかりません。マスタのあるフォルダから見た場所（例: 写真/看板.jpg）を確認してください。写真なしで作成しました。",
    ),
    "initiative_after_report_year": (
        WARNING,
        "{where}（取組名「{item}」）は{year}の実績ですが、この報告書は{report}までの分のため載せていません。年度の入力違いなら直してください。",
    ),
    "photo_on_planned": (
        WARNING,
        "{where}（取組名「{item}」）の写真「{value}」は載せていません。区分「予定」の取組は1行で載せ、写真は区分「実績」の取組の横に載せます。実施した後、区分を「実績」にしてください。",
    ),
    "photo_unreadable": (
        WARNING,
        "{where}（取組名「{item}」）の写真「{value}」は画像として読めません（{detail}）。JPEG か PNG の画像にしてください。写真なしで作成しました。",
    ),
    "pdf_no_soffice": (
        WARNING,
        "PDFは作成しませんでした（LibreOffice が見つかりません）。LibreOffice をインストールしてもう一度実行するか、「{workbook}」を Excel で開き「名前を付けて保存」で PDF を選んで保存してください。",
    ),
    "pdf_failed": (
        WARNING,
        "PDFを作成できませんでした（{detail}）。「{workbook}」を Excel で開き「名前を付けて保存」で PDF を選んで保存してください。",
    ),
    # why LibreOffice made no PDF: the {detail} of pdf_failed
    "pdf_timeout": (ERROR, "LibreOffice が{seconds}秒たっても終わりませんでした"),
    "pdf_cannot_start": (ERROR, "LibreOffice を起動できません: {detail}"),
    "pdf_not_written": (ERROR, "LibreOffice が PDF を書き出しませんでした（{detail}）"),
    "pdf_stale": (
        WARNING,
        "前に作った「{name}」が残っていますが、今回の内容ではありません。公表や印刷に使わないよう、削除するか作り直してください。",
    ),
    # --- hints: what to type instead, said at the end of another message ----------------
    "hint_not_a_number": (ERROR, "半角数字で入力してください。"),
    "hint_not_integer": (ERROR, "整数で入力してください。"),
    "hint_bad_fiscal_year": (ERROR, "R6 や 令和6年度 の形で入力してください。"),
    "hint_bad_date": (ERROR, "2024/9/16 の形で入力してください。"),
    "hint_unknown_status": (ERROR, "「確定」「集計中」「該当なし」のどれかにしてください。"),
    "hint_full_width_id": (ERROR, "全角で入力されています。半角の「{value}」に直してください。"),
    "hint_lower_case_id": (
        ERROR,
        "小文字で入力されています。半角大文字の「{value}」に直してください。",
    ),
    "hint_id_typed_otherwise": (
        ERROR,
        "{target}では「{typed}」と入力されています。そちらを半角大文字の「{value}」に直してください。",
    ),
    "hint_excel_error": (ERROR, "数値を直接入力してください。"),
    "hint_no_cached_value": (
        ERROR,
        "計算式の結果がファイルに保存されていません。Excel か LibreOffice で開いて保存し直すか、数値を直接入力してください。",
    ),
    "hint_formula_text": (ERROR, "数値を直接入力してください。"),
    "hint_unit_mismatch": (ERROR, "単位を付けずに数値だけを入力してください。"),
    "hint_date_format": (
        ERROR,
        "セルの表示形式が日付・時刻になっています。数値のつもりなら、セルの書式設定で表示形式を「標準」か「数値」に戻してください。",
    ),
    "hint_unit_of_row": (
        ERROR,
        "この行の単位は「{unit}」です。{unit}単位の数値を、単位を付けずに（または「{unit}」を付けて）入力してください。",
    ),
    "hint_header_back": (ERROR, "見出し「{near}」のことなら「{header}」に戻してください。"),
    "hint_header_restore": (ERROR, "見出しを元に戻してください。"),
    "hint_measure_id": (ERROR, "調査項目IDを確認してください。"),
    "hint_project_no": (
        ERROR,
        "プロジェクトの番号をカンマで区切って入力してください（例: 1,3）。",
    ),
    "hint_ratio_denominator": (ERROR, "比率の指標には分母の調査項目IDが必要です。"),
    "hint_note_kpi": (
        ERROR,
        "指標ID（K01 など）か評価指標名を入力するか、全体についての文なら空欄にしてください。",
    ),
    "hint_did_you_mean": (ERROR, "「{name}」のことですか？"),
    "hint_reporter_name": (ERROR, "市町名を確認してください。"),
    "hint_reporter_name_in_master": (ERROR, "マスタのシート「市町」の名前で指定してください。"),
    "hint_rows_values": (
        ERROR,
        "調査項目の行は送付した調査票のままにし、行を追加しないでください。",
    ),
    "hint_rows_initiatives": (
        ERROR,
        "主な取組を1行に1件、多くても{limit}件までにしてください（空白に見える行に文字や数式が残っていないかも確認してください）。",
    ),
    # --- what 取込履歴 says of a file (its 内容 column) ---------------------------------
    "log_replaced_files": (WARNING, "「{files}」の内容を置き換えました。"),
    "log_rows_updated": (WARNING, "{rows}行を更新しました。"),
    "log_superseded": (WARNING, "同じ報告者の新しい調査票があるため取り込みませんでした。"),
    "log_initiatives_replaced": (WARNING, "取組 {old}件を{new}件に置き換えました{was}。"),
    # --- the KPI list's own warnings -------------------------------------------------
    "no_kpis": (
        WARNING,
        "評価指標が登録されていません。マスタのシート「評価指標」に入力してください。",
    ),
    "rate_not_computed": (
        WARNING,
        "{kpi}は{reason}ため、進捗率を計算できません（「—」と表示します）。マスタのシート「評価指標」を確認してください。",
    ),
    "manual_differs": (
        WARNING,
        "{kpi}の{year}は、手入力の値（{manual}）と集計値（{computed}）が異なります。手入力の値を使っています。",
    ),
    # --- a rule with no message of its own (should not happen; kept so nothing is shown raw)
    "invalid_value": (
        ERROR,
        "{where}「{value}」は{column}として使えない値です。記入要領を確認して入力し直してください。",
    ),
}


def message(code: str, **values: object) -> str:
    """Fill the Japanese template of `code`; unknown placeholders read as empty."""
    _, template = CATALOGUE[code]
    return template.format_map(_Blank(values))


def severity(code: str) -> Severity:
    return CATALOGUE[code][0]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


# --- phrases: the fragments that fill another message's slots ------------------------
# A finding or a stop error names what is wrong in its {detail}, {reason}, {kind}, ...;
# the words of those fragments live here too, so that every word a clerk reads is in this
# one module. Code -> Japanese template; {named} slots are filled by `phrase()`.
PHRASES: dict[str, str] = {
    # --- model/paths.py: why the system refused a file or folder ({reason})
    "os_no_permission": "書き込みの権限がありません",
    "os_read_only": "読み取り専用の場所です",
    "os_disk_full": "ディスクの空き容量が足りません",
    "os_name_too_long": "名前が長すぎます",
    "os_exists": "同じ名前のファイルがあります",
    "os_file_for_folder": "フォルダと同じ名前のファイルがあります",
    "os_error_number": "システムのエラー番号 {number}",
    # --- book/template.py: what a reporter's name holds that no file name can ({chars})
    "name_control_chars": "制御文字",
    "name_trailing_dot_or_space": "末尾の「.」や空白",
    # --- book/master_read.py: the files 取込履歴 lacks, in master_log_short's {files}
    "log_short_file": "「{file}」",
    "log_short_files": "「{file}」ほか{more}ファイル",
    # --- cli/render/checks.py: a file whose reporter sent a newer one, on its title and in
    # the line of counts
    "file_superseded": "（古い方のため取り込みません）",
    "summary_superseded": "うち{count}件は、同じ報告者の新しい調査票があるため取り込みません。",
    # --- intake/cfb.py: what is wrong in an OLE/CFB container (the {detail} of corrupt / too_large)
    "cfb_part": "OLE形式の{what}",
    "cfb_header_cut": "見出しが途中で切れています",
    "cfb_header_byte_order": "見出し（バイト順）が壊れています",
    "cfb_header_version": "見出し（版とセクタの大きさ）が壊れています",
    "cfb_header_mini_sector": "見出し（小さいセクタの大きさ）が壊れています",
    "cfb_header_mini_cutoff": "見出し（小さいストリームの上限）が壊れています",
    "cfb_header_directory_sectors": "見出し（目次のセクタ数）が壊れています",
    "cfb_header_count": "見出し（{what}のセクタ数 {count:,}）がファイルの大きさと合いません",
    "cfb_mini_fat": "ミニFAT",
    "cfb_mini_stream_past_file": "ミニストリームの大きさがファイルより大きくなっています",
    # what a sector chain is, in cfb_chain_*'s {what}
    "cfb_stream": "ストリーム",
    "cfb_directory": "目次",
    "cfb_chain_outside": "{what}がファイルの外を指しています",
    "cfb_chain_loop": "{what}のセクタのつながりがループしています",
    "cfb_chain_short": "{what}が途中で切れています（大きさが実際の中身と合いません）",
    "cfb_difat_broken": "DIFATのつながりが壊れています（ループかファイルの外）",
    "cfb_fat_count": "FATのセクタ数が見出しと合いません",
    "cfb_fat_outside": "FATのセクタがファイルの外か、重なっています",
    "cfb_no_directory": "目次がありません",
    "cfb_too_many_entries": "OLE形式の目次の項目数 {count:,}、上限 {limit:,}",
    "cfb_entry_broken": "目次の項目が壊れています",
    "cfb_entry_links_broken": "目次の項目のつながりが壊れています",
    "cfb_root_broken": "目次の先頭（ルート）が壊れています",
    "cfb_tree_loop": "目次のつながりがループしています",
    "cfb_tree_broken": "目次のつながりが壊れています",
    "cfb_duplicate_entry": "目次に同じ名前の項目「{name}」が2つあります",
    "cfb_stream_too_large": "ストリーム「{name}」が {size}、上限 {limit}",
    "cfb_stream_past_file": "ストリーム「{name}」の大きさがファイルより大きくなっています",
    "cfb_mini_outside": "小さいストリームがミニストリームの外を指しています",
    "cfb_mini_loop": "小さいストリームのつながりがループしています",
    "cfb_cannot_decrypt": "パスワード付きファイルを復号できません",
    "cfb_body_too_large": "ブックの本体が {size}",
    # --- intake/archive.py: what is wrong in a ZIP package or one of its XML parts
    "zip_no_directory": "ZIPの目次が見つからず、ファイルが途中で切れている可能性があります",
    "zip_too_many_members": "ZIPの部品数 {count:,}、上限 {limit:,}",
    "zip_bad_member_name": "ZIPの部品名「{name}」が不正です",
    "zip_duplicate_member": "同じ名前の部品「{name}」が2つあり、中身が違います",
    "zip_total_too_large": "展開後 {size}、上限 {limit}",
    "zip_no_workbook": "ブックの本体（workbook.xml）が見つかりません",
    "zip_member_too_large": "部品「{name}」が展開後 {size}",
    "zip_member_utf16": "部品「{name}」がUTF-16で書かれていて読み取れません",
    "zip_member_dtd": "部品「{name}」に実体宣言（DTD）が含まれています",
    "zip_member_bomb": "部品「{name}」の圧縮率が異常に高く、ZIP爆弾の疑いがあります",
    "zip_member_bad_offset": "部品「{name}」の位置が壊れています",
    "zip_member_encrypted": "部品「{name}」がZIPのパスワードで暗号化されています",
    "zip_member_cut": "部品「{name}」のデータが途中で切れています",
    "zip_member_deflate_broken": "部品「{name}」の圧縮データが壊れています",
    "zip_member_deflate_cut": "部品「{name}」の圧縮データが途中で切れています",
    "zip_member_unknown_method": "部品「{name}」が対応していない方式で圧縮されています",
    "zip_member_inflates_past_size": "部品「{name}」が目次に書かれた大きさより大きく展開されます",
    "zip_member_broken": "部品「{name}」のデータが壊れています",
    # the XML parts named in xml_*'s {what}
    "part_workbook": "ブックの構成情報（workbook.xml）",
    "part_relationships": "部品の関係情報（{name}）",
    "xml_too_many_elements": "{what}の要素が多すぎます（上限 {limit:,}）",
    "xml_dtd": "{what}に実体宣言（DTD）が含まれています",
    "xml_broken": "{what}が壊れています",
    # --- intake/biff.py: what is wrong in a legacy .xls workbook stream
    "xls_part": "Excel 97-2003形式（.xls）の{what}",
    "xls_record_cut": "レコードが途中で切れています",
    "xls_too_many_records": "レコード数が上限 {limit:,} を超えています",
    "xls_too_many_continues": "続きのレコードが {count:,} 個続いています",
    "xls_no_bof": "先頭（BOFレコード）が見つかりません",
    "xls_not_workbook_globals": "先頭がブックの情報ではありません",
    "xls_empty": "中身がありません",
    "xls_no_globals_eof": "ブックの情報の終わり（EOFレコード）が見つかりません",
    "xls_sheet_list_broken": "シートの一覧が壊れています",
    "xls_sheet_name_broken": "シート名が壊れています",
    "xls_sheet_outside": "シート「{sheet}」の位置がファイルの外を指しています",
    "xls_sheet_bad_offset": "シート「{sheet}」の位置が壊れています",
    "xls_sheet_no_eof": "シート「{sheet}」の終わり（EOFレコード）が見つかりません",
    "xls_dimension_broken": "シート「{sheet}」の使用範囲のレコードが壊れています",
    "xls_dimension_too_large": "使用範囲が{rows:,}行×{cols:,}列と書かれています、上限 {limit:,}セル",
    # --- intake/sheetxml.py, ods.py: a sheet too big or its XML unreadable
    "sheet_used_past": "セル{cell}まで使用、上限 {rows:,}行×{cols:,}列",
    "sheet_too_many_cells": "A1:{corner}で{cells:,}セル、上限 {limit:,}セル",
    "sheet_part_unreadable": "シート「{sheet}」の{what}が読めません",
    "sheet_cell_ref": "セル番地「{ref}」",
    "sheet_cell_ref_too_far": "セル番地 {ref}",
    "sheet_row_number": "行番号「{ref}」",
    "sheet_cell_or_row_markup": "セルまたは行の書き方",
    "sheet_xml_broken": "シート「{sheet}」のXMLが壊れています",
    "too_many_shared_strings": "共有文字列の数 {count:,}、上限 {limit:,}",
    # --- intake/ods.py: what is wrong in an OpenDocument spreadsheet
    "ods_no_manifest": "OpenDocumentの目録（META-INF/manifest.xml）がありません",
    "ods_manifest": "OpenDocumentの目録（manifest.xml）",
    "ods_count_unreadable": "content.xmlの{what}「{value}」が読めません",
    # the counts content.xml gives, in ods_count_unreadable's {what}
    "ods_count_spaces": "空白の数",
    "ods_count_row_repeats": "行の繰り返し数",
    "ods_count_column_repeats": "列の繰り返し数",
    "ods_count_rows_spanned": "結合の行数",
    "ods_count_columns_spanned": "結合の列数",
    "ods_too_deep": "content.xmlの入れ子が {limit} 段を超えています",
    "ods_table_in_cell": "content.xmlのセルの中に表があります",
    "ods_element_in_row": "content.xmlの行の中に「{name}」があります",
    "ods_cell_text_too_long": "シート「{sheet}」のセルが{chars:,}文字を超え、上限の{limit:,}文字を超えています",
    "ods_text_in_row": "content.xmlの行の中に文字があります",
    "ods_dtd": "content.xmlに実体宣言（DTD）が含まれています",
    "ods_content_broken": "content.xmlが壊れています",
    "duplicate_sheet_name": "同じ名前のシートが2つあります",
    # --- intake/xls_ods.py: a legacy .xls or .ods without its body
    "xls_no_workbook_stream": "Excelのブックの本体が見つかりません",
    "ods_no_content": "OpenDocumentの本体（content.xml）がありません",
    # --- intake/sniff.py: what a file is, in a clerk's words (not_excel's {kind})
    "file_kind_csv": "CSVファイル",
    "file_kind_text": "テキストファイル",
    "file_kind_html": "HTMLファイル",
    "file_kind_xml2003": "Excel 2003 XML形式のファイル",
    "file_kind_pdf": "PDFファイル",
    "file_kind_png": "PNG画像",
    "file_kind_jpeg": "JPEG画像",
    "file_kind_gif": "GIF画像",
    "file_kind_image": "画像ファイル",
    "file_kind_zip": "ZIP圧縮ファイル",
    "file_kind_archive": "圧縮ファイル",
    "file_kind_word": "Word文書",
    "file_kind_powerpoint": "PowerPointファイル",
    "file_kind_odf": "OpenDocument文書",
    "file_kind_rtf": "リッチテキスト文書",
    "file_kind_unknown": "形式が分からないファイル",
    # --- intake/files.py: the tool's own output and the documents left among the returns
    # the tool's own output, named in a 注意 when it is left out
    "output_annotate": "返送用のコピー",
    "output_template": "送付用の調査票",
    "output_publish": "公表用の資料",
    "output_backup": "マスタのバックアップ",
    "output_report": "report で書き出した評価指標一覧",
    # documents left among the returns (files.kind_label)
    "document_pdf": "PDFファイル",
    "document_image": "画像",
    "document_word": "Word文書",
    "document_other": "文書",
    "document_text": "テキストファイル",
    "document_html": "HTMLファイル",
    "document_mail": "メール",
    # written into the marker file of a folder the tool wrote
    "marker_note": "このフォルダのファイルは sorachi-etl が作りました。調査票として読み直しません。",
    # --- intake/read.py: why a file could not be read (the {detail} of unreadable / corrupt / too_large)
    "read_out_of_memory": "読み取りに必要なメモリが足りません",
    "read_sheet_part_missing": "シート「{sheet}」の中身が見つかりません",
    "read_file_too_large": "ファイルサイズ {size}、上限 {limit}",
    "read_no_such_file": "ファイルが見つかりません",
    "read_is_a_folder": "ファイルではなくフォルダです",
    "read_no_permission": "ファイルを開く権限がありません",
    "read_os_error": "ファイルを読み込めません",
    "read_file_grew_past_limit": "ファイルサイズの上限 {limit} を超えています",
    "read_container_broken": "ファイルの構造が壊れています",
    "read_zip_broken": "ZIPの構造が壊れています",
    "read_xml_broken": "ブックのXMLが壊れています",
    "read_sheet_not_found": "ブックに書かれたシートが見つかりません",
    "read_cannot_interpret": "ブックの内容を解釈できません",
    "read_cell_text_too_long": "シート「{sheet}」のセル{cell}が{chars:,}文字で、上限の{limit:,}文字を超えています",
    "read_library_panic": "読み取りライブラリが内部エラーで止まりました",
    "read_too_deep": "ファイルの構造が深すぎます",
    "read_unexpected_shape": "ファイルの中身が想定外の形をしています",
    # --- intake/locate.py: why a workbook is not a survey, and the hint of a missing sheet
    "not_survey_sheets": "シート「{info}」「{values}」と管理用の非表示シートがありません",
    "hint_other_sheets": "（このブックにあるほかのシート:「{sheets}」。名前を変えていないか確認してください。）",
    # --- check/accept.py: why one of two returns of a reporter is taken (tie-break reasons)
    "newer_by_filled_on": "基本情報の記入日が新しい方です（{newer}、もう一方は{older}）",
    "newer_by_modified": "ファイルの日時が新しい方です（{newer}、もう一方は{older}）",
    "newer_by_copy_number": "記入日とファイルの日時では決まらないため、ファイル名の「({copy})」から後で保存された方と判断しました",
    "newer_by_file_name": "記入日とファイルの日時では決まらないため、ファイル名の順で後の方にしました",
    # --- check/identity.py: the places of a return that name its reporter and year
    # the places named in reporter_mismatch / year_mismatch's {detail}
    "named_in_meta": "調査票の記録",
    "named_in_info": "基本情報",
    "named_in_file_name": "ファイル名",
    "named_as": "{place}：{value}",
    # --- check/one_file.py: what a workbook is when it is not a survey to check
    "master_workbook": "マスタブック",
    "format_xls": "Excel 97-2003形式（.xls）",
    "format_ods": "OpenDocument形式（.ods）",
    "quoted": "「{name}」",
    "and_more_sheets": "ほか{count}枚",
    "not_survey_sheets_here": "{reason}。このファイルのシート: {sheets}",
    # --- kpi/aggregate.py: the KPI list's rows, why a rate is —, and the drafted 分析・対応方向
    "relisted": "{name}（再掲）",
    # the {reason} of rate_not_computed: 「{kpi}は{reason}ため、進捗率を計算できません」
    "no_rate_target_blank": "目標値が空欄の",
    "no_rate_base_blank": "基準値が空欄の",
    "no_rate_target_is_base": "目標値が基準値と同じ",
    "no_rate_actual_zero": "実績値が0の",
    "no_rate_target_zero": "目標値が0の",
    # the drafted 分析・対応方向 lines (staff edit them in the KPI list)
    "analysis_over_fair": "{kpis}つの評価指標のうち、{over}つの評価指標が進捗率90%を超えている。",
    "analysis_none_over_fair": "{kpis}つの評価指標のうち、進捗率90%を超えている評価指標はない。",
    "analysis_target_reached": "{name}は、目標値（{target}、{year}）を達成している。",
    "analysis_doubled": "{name}は、基準値（{base}、{year}）に比べ、{times}倍程度まで大幅に伸びている。",
    "analysis_reporters_in": "（{done}/{total}団体が提出済み）",
    "analysis_pending": "{name}の{year}実績は集計中である{counted}。",
    "analysis_trend": "{name}は、{trend}となっている（{steps}）。",
    "analysis_kept": "{name}は、現状維持となった（{since}から{year}まで{value}）。",
    "analysis_points_rose": "{name}は、前年度に比べて{points}ポイント上昇している（{before}→{after}）。",
    "analysis_points_fell": "{name}は、前年度に比べて{points}ポイント低下しており（{before}→{after}）、今後も推移を注視する必要がある。",
    "analysis_percent_rose": "{name}は、前年度に比べて{change}増加している（{before}→{after}）。",
    "analysis_percent_fell": "{name}は、前年度に比べて{change}減少している（{before}→{after}）。",
    # a trend's values with their years: R2：574件→R3：777件
    "trend_step": "{year}：{value}",
    "trend_up": "増加傾向",
    "trend_down": "減少傾向",
    # --- kpi/merge.py: what a merge changed, as 取込履歴 and the change list say it
    "no_value": "（なし）",
    "titles_and_more": "」ほか",
    "log_old_titles": "（旧: 「{titles}」）",
    "log_errors": "エラー{count}件: {first}",
    # --- kpi/status.py: 提出状況 and the reminder
    # what 提出状況 adds to a state: 一部受付（取組を要修正）, 要修正（読取不可）
    "state_held_back": "（{parts}を要修正）",
    "state_unreadable": "（読取不可）",
    "status_submitted": "受付済 {done}／{total}",  # as the table names the state
    "date_long": "{year}年{month}月{day}日",
    # the reminder's lines: 「・岩見沢市　…」
    "reminder_item": "・{text}",
    "reminder_line": "・{reporter}　{what}",
    # --- kpi/report_model.py, report_initiatives.py: where a publish warning points (its {item}, {what}, {year})
    "setting_field": "設定の{field}",
    "project_field": "プロジェクト{no}の{field}",
    "business_field": "事業「{name}」の{field}",
    "kpi_field": "評価指標「{name}」の{field}",
    "initiative_field": "取組「{title}」の{field}",
    "publish_title_fallback": "表紙と見出しには「{title}」とだけ載せました",
    "publish_no_bureau": "表紙に局名が載りません",
    "actual_year": "{year}（実績年）",
    "fiscal_year_short": "{year}年度",
    "actual_and_report_years": "{actual}・{year}年度",
}


def phrase(code: str, **values: object) -> str:
    """Fill the Japanese fragment `code` of PHRASES (format specs such as {n:,} apply)."""
    return PHRASES[code].format(**values)
