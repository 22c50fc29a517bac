"""Map your own data (placeholder until its issue lands)."""
import streamlit as st

st.title("Map your own data")
st.info("This page is being built.")
